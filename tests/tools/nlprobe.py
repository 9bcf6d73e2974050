#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""nlprobe: send one hand-made request to the "nexus" generic netlink family.

Tests use it to send what the CLI never would: missing, wrong-typed, unknown
or oversized attributes.  Attribute and command numbers are read from
uapi/linux/nexus.h, so the probe follows the header.

usage: nlprobe.py [--dump] [--flags N] [--cmd-raw N] CMD [ATTR...]
  CMD    a command name without NEXUS_CMD_ (e.g. NEXUS_CREATE, CHILD_ADD)
  ATTR   NAME=TYPE:VALUE, NAME without NEXUS_A_ (or a number); TYPE is one of
         str (NUL-terminated), rawstr (no NUL), u8, u16, u32, u64, bin (hex),
         flag; a nest is NAME={ATTR ATTR ...} using the child attributes
         (NEXUS_CHILD_A_*), e.g. CHILDREN={CHILD={PATH=str:/dev/loop0}}.
Prints "OK" (and one line per reply attribute) or "ERR <errno> <ENAME>
<extack message> [missing ATTR]" (the last part when the kernel names a
missing attribute) and exits 0 on OK, 1 on ERR, 2 on usage errors.

usage: nlprobe.py --batch FILE
  Runs many requests that must fail in one process (each python start costs
  seconds under TCG).  FILE holds one case per line, its fields separated by
  \x1f: ENAME, a regular expression the extack message must match, then the
  arguments of one request as above.  After each case the dump of all
  nexuses and the list of block devices must be what they were before the
  first.  Prints "FAIL <why>" per failed case, then "<N> cases, <M> failed",
  and exits 1 if any failed.
"""
import errno
import os
import re
import socket
import struct
import sys

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_ACK_TLVS = 0x200
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS = 1, 2
NLMSGERR_ATTR_MISS_TYPE, NLMSGERR_ATTR_MISS_NEST = 5, 6
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 16, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
NLA_F_NESTED = 0x8000

HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "..", "..", "uapi", "linux", "nexus.h")


def parse_enum(text, name):
    """Values of `enum name { ... }` in the uapi header, by member name."""
    body = re.search(r"enum %s \{(.*?)\};" % name, text, re.S).group(1)
    values, nxt = {}, 0
    for line in body.splitlines():
        line = re.sub(r"/\*.*?\*/", "", line).strip().rstrip(",")
        if not line or line.startswith("/*") or line.startswith("*"):
            continue
        m = re.match(r"(\w+)(?:\s*=\s*(\w+))?$", line)
        if not m:
            continue
        if m.group(2):
            nxt = int(m.group(2), 0) if m.group(2)[0].isdigit() else values[m.group(2)]
        values[m.group(1)] = nxt
        nxt += 1
    return values


def nla(atype, payload):
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    return hdr + payload + b"\0" * ((4 - len(payload) % 4) % 4)


def split_top(text):
    """Split 'A=x B={C=y D=z}' at top-level spaces."""
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == " " and depth == 0:
            if cur:
                out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        out.append(cur)
    return out


class Probe:
    def __init__(self):
        text = open(HEADER).read()
        self.cmds = parse_enum(text, "nexus_cmd")
        self.attrs = parse_enum(text, "nexus_attr")
        self.child_attrs = parse_enum(text, "nexus_child_attr")
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sock.bind((0, 0))
        self.seq = 1

    def attr_num(self, name, nested):
        if name.isdigit():
            return int(name)
        table, prefix = ((self.child_attrs, "NEXUS_CHILD_A_") if nested
                         else (self.attrs, "NEXUS_A_"))
        return table[prefix + name]

    def encode(self, spec, nested=False):
        """nested: inside a CHILD nest, where names are NEXUS_CHILD_A_*."""
        name, _, value = spec.partition("=")
        num = self.attr_num(name, nested)
        if value.startswith("{") and value.endswith("}"):
            inner_nested = nested or name == "CHILD"
            inner = b"".join(self.encode(s, inner_nested)
                             for s in split_top(value[1:-1]))
            return nla(num | NLA_F_NESTED, inner)
        typ, _, val = value.partition(":")
        payload = {
            "str": lambda v: v.encode() + b"\0",
            "rawstr": lambda v: v.encode(),
            "u8": lambda v: struct.pack("=B", int(v, 0)),
            "u16": lambda v: struct.pack("=H", int(v, 0)),
            "u32": lambda v: struct.pack("=I", int(v, 0)),
            "u64": lambda v: struct.pack("=Q", int(v, 0)),
            "bin": bytes.fromhex,
            "flag": lambda v: b"",
        }[typ](val)
        return nla(num, payload)

    def send(self, family, cmd, flags, payload):
        genl = struct.pack("=BBH", cmd, 1, 0)
        hdr = struct.pack("=IHHII", 16 + len(genl) + len(payload), family,
                          NLM_F_REQUEST | flags, self.seq, 0)
        self.sock.send(hdr + genl + payload)
        self.seq += 1

    def replies(self):
        while True:
            data = self.sock.recv(1 << 20)
            off = 0
            while off < len(data):
                length, mtype, mflags, _, _ = struct.unpack_from("=IHHII", data, off)
                yield mtype, mflags, data[off + 16:off + length]
                off += (length + 3) & ~3

    def family_id(self):
        self.send(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0,
                  nla(CTRL_ATTR_FAMILY_NAME, b"nexus\0"))
        for mtype, _, body in self.replies():
            if mtype == NLMSG_ERROR:
                err = struct.unpack_from("=i", body)[0]
                if err:
                    raise SystemExit("ERR %d %s family nexus not found" %
                                     (err, errno.errorcode.get(-err, "?")))
                continue
            for atype, val in attrs_of(body[4:]):
                if atype == CTRL_ATTR_FAMILY_ID:
                    fid = struct.unpack_from("=H", val)[0]
            return fid


def attrs_of(buf):
    off = 0
    while off + 4 <= len(buf):
        length, atype = struct.unpack_from("=HH", buf, off)
        if length < 4:
            break
        yield atype & 0x3FFF, buf[off + 4:off + length]
        off += (length + 3) & ~3


def error_line(body, flags, probe=None):
    """The "ERR ..." line of an error reply, or None for an ACK.  A request
    refused for a missing attribute (GENL_REQ_ATTR_CHECK) carries no message
    but the attribute's type: the line then ends in "[missing NAME]"."""
    err = struct.unpack_from("=i", body)[0]
    if err == 0:
        return None
    msg, miss, nested = "", None, False
    if flags & NLM_F_ACK_TLVS:
        for atype, val in attrs_of(body[4 + 16:]):
            if atype == NLMSGERR_ATTR_MSG:
                msg = val.rstrip(b"\0").decode()
            elif atype == NLMSGERR_ATTR_MISS_TYPE:
                miss = struct.unpack_from("=I", val)[0]
            elif atype == NLMSGERR_ATTR_MISS_NEST:
                nested = True
    if miss is not None:
        table, prefix = ((probe.child_attrs, "NEXUS_CHILD_A_") if nested
                         else (probe.attrs, "NEXUS_A_")) if probe else ({}, "")
        names = {v: k[len(prefix):] for k, v in table.items()}
        msg += "%s[missing %s]" % (" " if msg else "", names.get(miss, miss))
    return "ERR %d %s %s" % (err, errno.errorcode.get(-err, "?"), msg)


def request(probe, argv):
    """Send the request ARGV (options, CMD, ATTR...); return (rc, lines)."""
    argv = list(argv)
    flags, dump, raw_cmd = NLM_F_ACK, False, None
    while argv and argv[0].startswith("--"):
        opt = argv.pop(0)
        if opt == "--dump":
            dump = True
        elif opt == "--flags":
            flags = int(argv.pop(0), 0)
        elif opt == "--cmd-raw":
            raw_cmd = int(argv.pop(0), 0)
        else:
            return 2, []
    if not argv and raw_cmd is None:
        return 2, []
    cmd = raw_cmd if raw_cmd is not None else probe.cmds["NEXUS_CMD_" + argv.pop(0)]
    payload = b"".join(probe.encode(spec) for spec in argv)
    probe.send(probe.fid, cmd, flags | (NLM_F_DUMP if dump else 0), payload)
    names = {v: k for k, v in probe.attrs.items()}
    lines = []
    for mtype, mflags, body in probe.replies():
        if mtype == NLMSG_ERROR:
            err = error_line(body, mflags, probe)
            if err or not dump:
                return (1, lines + [err]) if err else (0, lines + ["OK"])
        elif mtype == NLMSG_DONE:
            return 0, lines + ["OK"]
        else:
            for atype, val in attrs_of(body[4:]):
                lines.append("%s %s" % (names.get(atype, atype), val.hex()))
            if not dump and not flags & NLM_F_ACK:
                return 0, lines + ["OK"]


def state(probe):
    """What a refused request must leave as it was."""
    return request(probe, ["--dump", "NEXUS_GET"])[1], sorted(os.listdir("/sys/class/block"))


def batch(path):
    probe = Probe()
    probe.fid = probe.family_id()
    baseline = state(probe)
    n = failed = 0
    with open(path) as cases:
        for line in cases:
            want, msg, *argv = line.rstrip("\n").split("\x1f")
            n += 1
            rc, lines = request(probe, argv)
            out = lines[-1] if lines else ""
            why = None
            if rc != 1:
                why = "rc %d, wanted ERR %s: %s" % (rc, want, " | ".join(lines))
            elif out.split(" ")[2:3] != [want]:
                why = "wanted %s, got: %s" % (want, out)
            elif not re.search(msg, out):
                why = "message '%s' does not match /%s/" % (out, msg)
            elif state(probe) != baseline:
                why = "changed the nexus dump or the block devices"
                baseline = state(probe)
            if why:
                failed += 1
                print("FAIL %s: %s" % (" ".join(argv), why))
    print("%d cases, %d failed" % (n, failed))
    return 1 if failed else 0


def main(argv):
    if argv[:1] == ["--batch"] and len(argv) == 2:
        return batch(argv[1])
    probe = Probe()
    probe.fid = probe.family_id()
    rc, lines = request(probe, argv)
    if rc == 2:
        print(__doc__, file=sys.stderr)
        return 2
    for line in lines:
        print(line)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
