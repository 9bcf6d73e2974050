#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""libnl parse policies (struct nla_policy) of a generic netlink family.

The kernel's ynl-gen-c.py generates user space code for the kernel's own
libynl; libnexus speaks libnl, so this writes just its policies: one table
per attribute set (subsets excepted), sized by the set's max enum, each
attribute typed as libnl checks it.  The attribute and constant names are
those of the uapi header that ynl-gen-c.py generates from the same spec.

The spec is read with the kernel's nlspec.py (tools/net/ynl/lib, on
PYTHONPATH), which validates it against its schema, so it is parsed one way.

  ynl-gen-libnl.py --spec SPEC --header OUT.h --source OUT.c
"""
import argparse
import os
import sys

from lib import SpecFamily

# Spec type -> libnl policy type.  pad and unused get no entry.
LIBNL_TYPE = {
    'u8': 'NLA_U8', 'u16': 'NLA_U16', 'u32': 'NLA_U32', 'u64': 'NLA_U64',
    'string': 'NLA_STRING', 'flag': 'NLA_FLAG', 'binary': 'NLA_UNSPEC',
    'nest': 'NLA_NESTED', 'indexed-array': 'NLA_NESTED',
}


def c_upper(name):
    return name.upper().replace('-', '_')


def c_lower(name):
    return name.lower().replace('-', '_')


def limit(family, value):
    """A check's value: a number, or the name of one of the spec's consts."""
    if isinstance(value, int):
        return str(value)
    return c_upper(f"{family.name}-{value}")


class PolicyTable:
    def __init__(self, family, attr_set):
        prefix = attr_set.yaml.get('name-prefix', f"{family.name}-{attr_set.name}-a-")
        self.symbol = c_lower(f"{family.name}-policy" if attr_set.name == family.name
                              else f"{family.name}-{attr_set.name}-policy")
        self.max_name = c_upper(attr_set.yaml.get('attr-max-name', prefix + 'max'))
        self.entries = []
        for attr in attr_set.attrs.values():
            nla_type = LIBNL_TYPE.get(attr.type)
            if nla_type is None:
                continue
            fields = [f".type = {nla_type}"]
            checks = attr.yaml.get('checks', {})
            # libnl has no exact length: the minimum guards the reads.
            if 'exact-len' in checks:
                fields.append(f".minlen = {limit(family, checks['exact-len'])}")
            elif 'min-len' in checks:
                fields.append(f".minlen = {limit(family, checks['min-len'])}")
            self.entries.append((c_upper(prefix + attr.name), ', '.join(fields)))

    def declaration(self):
        return f"const struct nla_policy {self.symbol}[{self.max_name} + 1]"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--spec', required=True)
    parser.add_argument('--header', required=True)
    parser.add_argument('--source', required=True)
    args = parser.parse_args()

    family = SpecFamily(args.spec)
    tables = [PolicyTable(family, s) for s in family.attr_sets.values() if not s.subset_of]
    spec_name = os.path.join(os.path.basename(os.path.dirname(args.spec)),
                             os.path.basename(args.spec))
    uapi = family.yaml.get('uapi-header', f"linux/{family.name}.h")
    header_name = os.path.basename(args.header)
    guard = '_' + c_upper(header_name.replace('.', '_'))
    banner = [
        "/* Do not edit directly, auto-generated from: */",
        f"/*\t{spec_name} */",
        "/* by tools/ynl-gen-libnl.py: libnl parse policies */",
        "",
    ]

    with open(args.header, 'w') as out:
        lines = [f"/* SPDX-License-Identifier: {family.license} */"] + banner
        lines += [f"#ifndef {guard}", f"#define {guard}", "",
                  "#include <netlink/attr.h>", f"#include <{uapi}>", ""]
        for t in tables:
            lines.append(f"extern {t.declaration()};")
        lines += ["", f"#endif /* {guard} */"]
        out.write('\n'.join(lines) + '\n')

    with open(args.source, 'w') as out:
        lines = [f"// SPDX-License-Identifier: {family.license}"] + banner
        lines += [f'#include "{header_name}"', ""]
        for t in tables:
            lines.append(f"{t.declaration()} = {{")
            for enum, fields in t.entries:
                lines.append(f"\t[{enum}] = {{ {fields} }},")
            lines += ["};", ""]
        out.write('\n'.join(lines[:-1]) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
