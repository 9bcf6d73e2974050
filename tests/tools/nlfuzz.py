#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""nlfuzz: a structure-aware fuzzer of the "nexus" generic netlink family.

Requests are built from docs/nexus.yaml (commands, each command's request
attributes, attribute types and nests; numbers from uapi/linux/nexus.h, which
is generated from the spec) and then damaged: attributes of the wrong length
(truncated and oversized integers, strings without their NUL, over-long
strings, UUIDs of 15 and 17 bytes), nests that are not nests, nests inside
nests, unknown and duplicate attributes, a broken attribute header, unknown
command numbers and random netlink flags.  Values come from pools that reach
deep states: the names of existing nexuses, the loop devices given with
--devices, paths that are not block devices, the nexus devices themselves.

Every request must be answered (ACK, data or an error; a missing answer
within --timeout seconds is a hang), an error must be a plain negative
errno, and a refused request must change nothing: the nexuses (names,
UUIDs, sizes, children, child states) and the block devices of the system
are compared before and after.  An accepted request becomes the new
baseline.  At the end every nexus left is destroyed (forced).

usage: nlfuzz.py --seed S --iterations N --devices DEV[,DEV...] [--timeout SEC]
Prints one line per problem ("FAIL ..."), a summary "requests N accepted N
refused N" and exits 1 when anything failed.
"""
import errno
import os
import random
import select
import struct
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nlprobe  # noqa: E402  (same directory)
from nlprobe import NLM_F_ACK, NLM_F_DUMP, NLMSG_DONE, NLMSG_ERROR, NLA_F_NESTED, nla  # noqa: E402,I001

SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    "..", "..", "docs", "nexus.yaml")
NAME_POOL_NEW = ["fz0", "fz1", "fz2"]
OP_WEIGHTS = {"nexus-create": 4.0, "nexus-destroy": 0.3, "child-remove": 0.5}
# Netlink header flags a client may set on a request (NLM_F_REQUEST is
# always on): ACK, ECHO, dump bits, and the NEW-request modifiers.
RANDOM_FLAGS = [0x8, 0x10, 0x100, 0x200, 0x300, 0x400, 0x800, 0x1000]


def c_name(text):
    return text.upper().replace("-", "_")


class Spec:
    """Attribute sets and operations of docs/nexus.yaml, numbered by the header."""

    def __init__(self, probe):
        with open(SPEC) as f:
            spec = yaml.safe_load(f)
        header = open(nlprobe.HEADER).read()
        self.sets = {}
        for aset in spec["attribute-sets"]:
            if "subset-of" in aset:
                continue
            enum = aset["enum-name"].replace("-", "_")
            numbers = nlprobe.parse_enum(header, enum)
            prefix = c_name(aset["name-prefix"])
            attrs = {}
            for a in aset["attributes"]:
                if a["type"] in ("unused", "pad"):
                    continue
                attrs[a["name"]] = (numbers[prefix + c_name(a["name"])], a["type"],
                                    a.get("nested-attributes"))
            self.sets[aset["name"]] = attrs
            self.sets[aset["name"] + "#max"] = max(numbers.values())
        # "children" is a subset of nexus: its one attribute is a child nest.
        self.sets["children"] = {"child": self.sets["nexus"]["child"]}
        self.sets["children#max"] = self.sets["nexus#max"]
        self.ops = []
        for op in spec["operations"]["list"]:
            if "do" not in op and "dump" not in op:
                continue
            req = op.get("do", {}).get("request", {}).get("attributes", [])
            self.ops.append((op["name"], probe.cmds["NEXUS_CMD_" + c_name(op["name"])],
                             req, "dump" in op))
        self.max_cmd = max(probe.cmds.values())


class Fuzzer:
    def __init__(self, seed, devices, timeout):
        self.rng = random.Random(seed)
        self.probe = nlprobe.Probe()
        self.probe.fid = self.probe.family_id()
        self.spec = Spec(self.probe)
        self.devices = devices
        self.timeout = timeout
        self.failed = self.accepted = self.refused = 0
        header = open(nlprobe.HEADER).read()
        self.cstates = nlprobe.parse_enum(header, "nexus_child_state")
        self.force = nlprobe.parse_enum(header, "nexus_flags")["NEXUS_F_FORCE"]
        self.current = ({}, [])
        self.damage = None
        self.op = self.target = None
        self.free = []
        self.stats = {}
        os.makedirs("/var/tmp/nlfuzz", exist_ok=True)
        open("/var/tmp/nlfuzz/file", "w").close()
        self.paths = devices + [
            "/dev/null", "/dev/zero", "/var/tmp/nlfuzz", "/var/tmp/nlfuzz/file",
            "/var/tmp/nlfuzz/absent", "/dev/nx0", "/dev/fz0", "relative", "", "/",
            "/" + "a" * 254, "/" + "b" * 300, devices[0] + "/", devices[0] + "\n"]

    # --- values -------------------------------------------------------------

    def names(self):
        """The nexuses there are now (as of the last request)."""
        return sorted(self.current[0].keys())

    # A request is either well-formed with at most one thing damaged (most
    # requests: they get past the parsers to the state changes), or damaged
    # throughout.  self.damage names what to damage: an attribute's name,
    # "structure" (the attribute stream itself), "all" or None.

    def damaged(self, name):
        return self.damage in ("all", name)

    def string(self, attr):
        if not self.damaged(attr):
            if attr == "path":
                return self.good_path().encode() + b"\0"
            return self.target.encode("utf-8", "surrogateescape") + b"\0"
        if attr == "path":
            s = self.rng.choice(self.paths)
        else:
            s = self.rng.choice(["", "x" * 31, "y" * 32, "z" * 4000, "a/b", "..",
                                 "nx\x01", "-lead", "\udcff\udcfe", "fz0"])
        raw = s.encode("utf-8", "surrogateescape")
        r = self.rng.random()
        if r < 0.2:
            return raw  # no NUL
        if r < 0.3:
            return raw + b"\0junk\0"
        return raw + b"\0"

    def children_of(self, name):
        entry = self.current[0].get(name)
        return ([p.rstrip(b"\0").decode("utf-8", "surrogateescape") for p, _ in entry[2] if p]
                if entry else [])

    def good_path(self):
        """A path that makes sense for the request: a device no nexus uses
        (each once) for create and add, one of the target's children for
        the other child commands."""
        if self.op in ("nexus-create", "child-add"):
            if self.free:
                return self.free.pop()
            return self.rng.choice(self.devices + ["/dev/" + n for n in self.names()])
        kids = self.children_of(self.target)
        return self.rng.choice(kids) if kids else self.rng.choice(self.devices)

    def plan_targets(self, op):
        """The nexus a request names and the devices free to give it."""
        self.op = op
        if op == "nexus-create" or not self.names():
            self.target = self.rng.choice(NAME_POOL_NEW)
        else:
            self.target = self.rng.choice(self.names())
        used = {p for n in self.names() for p in self.children_of(n)}
        self.free = [d for d in self.devices if d not in used]
        self.rng.shuffle(self.free)

    def good_integer(self, attr):
        return {
            "flags": self.rng.choice([0, self.force, self.force, self.force, 2,
                                      self.force | 2, self.force | 8, 4]),
            "size": self.rng.choice([8 << 20, 16 << 20, 30 << 20, 36 << 20]),
            "region-size": self.rng.choice([64 << 10, 128 << 10, 1 << 20]),
            "rebuild-rate": self.rng.choice([0, 1, 100]),
        }.get(attr, 0)

    def integer(self, typ, attr):
        size = {"u8": 1, "u16": 2, "u32": 4, "u64": 8}[typ]
        fmt = {1: "=B", 2: "=H", 4: "=I", 8: "=Q"}[size]
        if not self.damaged(attr):
            return struct.pack(fmt, self.good_integer(attr))
        if self.rng.random() < 0.3:
            return os.urandom(self.rng.choice([0, 1, 2, 3, 5, 7, 12, 16]))
        pool = [0, 1, 2, 3, 511, 512, 4096, (1 << 20) + 1, 3 << 19,
                1 << 30, (1 << (8 * size)) - 1, self.rng.getrandbits(8 * size)]
        if attr == "flags":
            pool += [8, 16, 0x80000000, self.rng.getrandbits(32)]
        if attr == "size":
            pool += [64 << 20, 1 << 40, 1 << 62, 4097]
        return struct.pack(fmt, self.rng.choice(pool) & ((1 << (8 * size)) - 1))

    def binary(self, attr):
        if not self.damaged(attr):
            return os.urandom(16)
        return os.urandom(self.rng.choice([0, 1, 15, 17, 64]))

    # --- attributes ---------------------------------------------------------

    def attr(self, aset, name, depth):
        num, typ, nested = self.spec.sets[aset][name]
        if typ == "nest":
            if depth > 3 or (self.damaged(name) and self.rng.random() < 0.5):
                return nla(num | NLA_F_NESTED, os.urandom(self.rng.randint(0, 12)))
            inner = self.attrs(nested, list(self.spec.sets[nested].keys()), depth + 1)
            flag = 0 if self.damaged(name) and self.rng.random() < 0.5 else NLA_F_NESTED
            return nla(num | flag, inner)
        if typ == "string":
            return nla(num, self.string(name))
        if typ == "binary":
            return nla(num, self.binary(name))
        if typ == "flag":
            return nla(num, b"\1" if self.damaged(name) else b"")
        return nla(num, self.integer(typ, name))

    def chosen(self, aset, wanted, depth):
        """Which attributes of ASET to send, WANTED being the request's."""
        if aset == "children":
            if self.damaged("children"):
                return ["child"] * self.rng.choice([0, 33, 2])
            return ["child"] * self.rng.choice([1, 2, 2, 3])
        if aset == "child" and depth > 0:
            if self.damaged("child"):
                return self.rng.sample(list(self.spec.sets[aset].keys()), 2)
            return ["uuid"] if self.rng.random() < 0.05 else ["path"]
        required = {"name", "children", "child"}
        if self.damage == "all":
            return [a for a in wanted if self.rng.random() < 0.8]
        # Labels from earlier nexuses are on the devices: creates and adds
        # mostly force.
        likely = {"flags": 0.7 if self.op in ("nexus-create", "child-add") else 0.3}
        return [a for a in wanted if a in required or self.damaged(a) or
                self.rng.random() < likely.get(a, 0.3)]

    def attrs(self, aset, wanted, depth=0):
        out = b"".join(self.attr(aset, a, depth) for a in self.chosen(aset, wanted, depth))
        if not self.damaged("structure"):
            return out
        r = self.rng.random()
        if r < 0.3:  # an attribute number past the set's maximum
            out += nla(self.spec.sets[aset + "#max"] + self.rng.randint(1, 200),
                       os.urandom(self.rng.randint(0, 8)))
        elif r < 0.5 and out:  # a duplicate of the first attribute
            out += out[:((struct.unpack_from("=H", out)[0] + 3) & ~3)]
        elif r < 0.7:  # a header whose length runs past the message
            out += struct.pack("=HH", 200, 1) + b"\0" * 4
        elif r < 0.85:  # a header shorter than itself
            out += struct.pack("=HH", 2, 1)
        else:  # attribute 0
            out += nla(0, b"\0" * 4)
        return out

    def request(self):
        r = self.rng.random()
        if r < 0.03:
            cmd, wanted, dump = self.rng.choice([0, self.spec.max_cmd + 1, 255]), [], False
            self.plan_targets("unknown")
        else:
            # Nexuses to work on most of the time: creates often, destroys
            # and removes seldom.
            weights = [OP_WEIGHTS.get(op[0], 1.0) for op in self.spec.ops]
            op, cmd, wanted, can_dump = self.rng.choices(self.spec.ops, weights)[0]
            dump = can_dump and self.rng.random() < 0.2
            self.plan_targets(op)
        r = self.rng.random()
        if r < 0.45:
            self.damage = None
        elif r < 0.85:
            self.damage = self.rng.choice(wanted + ["path", "structure"] if wanted else ["structure"])
        else:
            self.damage = "all"
        flags = NLM_F_ACK | (NLM_F_DUMP if dump else 0)
        if self.damage == "all" and self.rng.random() < 0.3:
            flags |= self.rng.choice(RANDOM_FLAGS)
        payload = self.attrs("nexus", wanted)
        version = 1 if self.damage != "all" or self.rng.random() < 0.8 else self.rng.randint(0, 255)
        return cmd, flags, version, payload

    # --- sending and judging ------------------------------------------------

    def send(self, cmd, flags, version, payload):
        """Send a request; returns its sequence number."""
        genl = struct.pack("=BBH", cmd, version, 0)
        seq = self.probe.seq
        hdr = struct.pack("=IHHII", 16 + len(genl) + len(payload), self.probe.fid,
                          1 | flags, seq, 0)
        self.probe.sock.send(hdr + genl + payload)
        self.probe.seq += 1
        return seq

    def messages(self, seq):
        """The answer to request SEQ, message by message: (type, body); None
        when nothing came within the timeout.  Stray messages (of an earlier
        request) are skipped."""
        while True:
            ready, _, _ = select.select([self.probe.sock], [], [], self.timeout)
            if not ready:
                yield None
                return
            data = self.probe.sock.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                length, mtype, _, mseq, _ = struct.unpack_from("=IHHII", data, off)
                body = data[off + 16:off + length]
                off += max((length + 3) & ~3, 16)
                if mseq == seq:
                    yield mtype, body

    def answer(self, seq, data=None):
        """0 (accepted), a negative errno, or None (no answer in time).  The
        data messages of the answer are appended to DATA."""
        for msg in self.messages(seq):
            if msg is None:
                return None
            mtype, body = msg
            if mtype in (NLMSG_ERROR, NLMSG_DONE):
                return struct.unpack_from("=i", body)[0] if len(body) >= 4 else 0
            if data is not None:
                data.append(body)
        return None

    def state(self):
        """({nexus: (uuid, size, children, missing)}, block devices): what a
        refused request must leave as it was.  A rebuilding child counts as
        online: its rebuild finishes on its own."""
        a, c = self.probe.attrs, self.probe.child_attrs
        bodies = []
        seq = self.send(self.probe.cmds["NEXUS_CMD_NEXUS_GET"], NLM_F_ACK | NLM_F_DUMP, 1, b"")
        err = self.answer(seq, bodies)
        if err is None or err < 0:
            raise SystemExit("FAIL the dump of every nexus: %s" % err)
        rebuilding = struct.pack("=I", self.child_state("REBUILDING"))
        online = struct.pack("=I", self.child_state("ONLINE"))
        nexuses = {}
        for body in bodies:
            top = dict(nlprobe.attrs_of(body[4:]))
            children = []
            for _, child in nlprobe.attrs_of(top.get(a["NEXUS_A_CHILDREN"], b"")):
                ca = dict(nlprobe.attrs_of(child))
                st = ca.get(c["NEXUS_CHILD_A_STATE"], b"")
                children.append((ca.get(c["NEXUS_CHILD_A_PATH"]),
                                 online if st == rebuilding else st))
            # Whatever the kernel took, even bytes that are no UTF-8.
            name = top[a["NEXUS_A_NAME"]].rstrip(b"\0").decode("utf-8", "surrogateescape")
            nexuses[name] = (top.get(a["NEXUS_A_UUID"]), top.get(a["NEXUS_A_SIZE"]),
                             sorted(children), top.get(a["NEXUS_A_MISSING"]))
        return nexuses, sorted(os.listdir("/sys/class/block"))

    def child_state(self, name):
        return self.cstates["NEXUS_CHILD_" + name]

    def fail(self, what, req):
        self.failed += 1
        cmd, flags, version, payload = req
        print("FAIL %s: cmd %d flags %#x version %d payload %s"
              % (what, cmd, flags, version, payload.hex()), flush=True)

    def run(self, iterations):
        before = self.current = self.state()
        for i in range(iterations):
            req = self.request()
            err = self.answer(self.send(*req))
            if err is None:
                self.fail("no answer within %d s (hung?)" % self.timeout, req)
                return
            after = self.state()
            key = (self.op, "well-formed" if self.damage is None else "damaged",
                   errno.errorcode.get(-err, err) if err else "OK")
            self.stats[key] = self.stats.get(key, 0) + 1
            if err == 0:
                self.accepted += 1
            else:
                self.refused += 1
                if not -4095 <= err < 0 or -err not in errno.errorcode:
                    self.fail("error %d is not a negative errno" % err, req)
                if after != before:
                    self.fail("refused (%s) but changed %s -> %s"
                              % (errno.errorcode.get(-err, err), before, after), req)
            before = self.current = after
            if (i + 1) % 500 == 0:
                print("%d requests: %d accepted, %d refused, %d nexuses now"
                      % (i + 1, self.accepted, self.refused, len(after[0])), flush=True)
        self.cleanup()
        for (op, kind, outcome), n in sorted(self.stats.items()):
            print("  %-16s %-11s %-10s %d" % (op, kind, outcome, n))

    def cleanup(self):
        destroy = self.probe.cmds["NEXUS_CMD_NEXUS_DESTROY"]
        for name in sorted(self.state()[0].keys()):
            payload = (nla(self.probe.attrs["NEXUS_A_NAME"],
                           name.encode("utf-8", "surrogateescape") + b"\0") +
                       nla(self.probe.attrs["NEXUS_A_FLAGS"], struct.pack("=I", self.force)))
            err = self.answer(self.send(destroy, NLM_F_ACK, 1, payload))
            if err:
                self.fail("forced destroy of %s at the end: %s" % (name, err),
                          (destroy, NLM_F_ACK, 1, payload))


def main(argv):
    opts = {"--timeout": "120"}
    while argv:
        key = argv.pop(0)
        if key not in ("--seed", "--iterations", "--devices", "--timeout") or not argv:
            print(__doc__, file=sys.stderr)
            return 2
        opts[key] = argv.pop(0)
    if not {"--seed", "--iterations", "--devices"} <= opts.keys():
        print(__doc__, file=sys.stderr)
        return 2
    fz = Fuzzer(int(opts["--seed"]), opts["--devices"].split(","), int(opts["--timeout"]))
    fz.run(int(opts["--iterations"]))
    print("requests %d accepted %d refused %d failed %d"
          % (fz.accepted + fz.refused, fz.accepted, fz.refused, fz.failed))
    return 1 if fz.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
