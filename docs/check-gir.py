#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks, in TAP, what gi-docgen check does not: that every public symbol
of the GIR (virtual functions included) is documented and says since which
version it exists (a `Since:` line), and that every enumeration member is
documented; and that every function that makes a new instance of a class is
one of its constructors (a `_new` returning an interface is listed as a
plain function unless its return value says `(type TheClass)`: then Vala
refuses `new TheClass ()` and the reference shows no constructor).

Usage: check-gir.py Fifo-1.0.gir
"""

import sys
import xml.etree.ElementTree as ET

CORE = '{http://www.gtk.org/introspection/core/1.0}'
GLIB = '{http://www.gtk.org/introspection/glib/1.0}'
C = '{http://www.gtk.org/introspection/c/1.0}'
SYMBOLS = {'class', 'interface', 'record', 'enumeration', 'bitfield', 'callback',
           'constant', 'function', 'function-macro', 'method', 'constructor',
           'virtual-method', 'property', GLIB + 'signal'}

namespace = ET.parse(sys.argv[1]).getroot().find(CORE + 'namespace')
interfaces = {i.get('name') for i in namespace.findall(CORE + 'interface')}
problems = []
n_symbols = 0


def walk(element, path):
    global n_symbols
    for child in element:
        tag = child.tag.replace(CORE, '')
        name = child.get('name')
        if tag == 'field' and child.find(CORE + 'callback') is not None:
            continue  # a vfunc slot: the virtual-method carries its docs
        # The class structs G_DECLARE_FINAL_TYPE makes are not API; an
        # interface's struct (FifoLockModeInterface) is: implementations fill it.
        struct_for = child.get(GLIB + 'is-gtype-struct-for')
        if tag == 'record' and struct_for and struct_for not in interfaces:
            continue
        if tag in SYMBOLS:
            n_symbols += 1
            where = '.'.join(path + [name])
            if child.find(CORE + 'doc') is None:
                problems.append(f'{where} ({tag}) is not documented')
            if child.get('version') is None:
                problems.append(f'{where} ({tag}) has no Since: line')
            walk(child, path + [name])
        elif (tag in ('member', 'field') and child.get('private') != '1' and
              child.find(CORE + 'doc') is None):
            problems.append(f'{".".join(path + [name])} ({tag}) is not documented')


walk(namespace, [namespace.get('name')])

not_constructors = []
n_constructors = 0
for cls in namespace.findall(CORE + 'class'):
    n_constructors += len(cls.findall(CORE + 'constructor'))
    for function in cls.findall(CORE + 'function'):
        if function.get('name') == 'new' or function.get('name').startswith('new_'):
            not_constructors.append(f'{cls.get("name")}.{function.get("name")} '
                                    f'({function.get(C + "identifier")})')

print('1..3')
print(f'{"ok" if n_symbols > 50 else "not ok"} 1 the GIR has public symbols ({n_symbols})')
print(f'{"not ok" if problems else "ok"} 2 every symbol is documented, with Since:')
for problem in problems:
    print(f'# {problem}')
print(f'{"not ok" if not_constructors or n_constructors == 0 else "ok"} 3 every _new is a constructor '
      f'({n_constructors})')
for function in not_constructors:
    print(f'# {function} is a function, not a constructor')
sys.exit(1 if problems or n_symbols <= 50 or not_constructors or n_constructors == 0 else 0)
