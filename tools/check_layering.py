#!/usr/bin/env python3
"""The layering rules of DESIGN.md, checked on the include graph (run by .ci/run).

- engine/ includes no Qt header; ui/ includes no torch header.
- A public engine header (directly in engine/<concept>/) is plain C++: it includes neither
  torch nor an engine-internal header, so it cannot reach torch through another header.
- A header that reaches torch, directly or through other engine headers, lives under
  engine/<concept>/internal/.
- ui/ and app/ include only public engine headers (never engine/<concept>/internal/).
Exits 1 and names each offending file and include chain; 0 when all hold.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
TORCH = re.compile(r'^(torch|ATen|c10)/')
QT = re.compile(r'^(Q[A-Za-z]+|qcustomplot)')


def sources(top):
    for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
        for f in files:
            if f.endswith(('.h', '.cpp')):
                yield os.path.relpath(os.path.join(dirpath, f), ROOT)


def includes(path):
    with open(os.path.join(ROOT, path), encoding='utf-8') as fh:
        return INCLUDE.findall(fh.read())


def is_internal(path):
    return '/internal/' in path


def main():
    problems = []
    headers = {p: includes(p) for p in sources('engine') if p.endswith('.h')}
    torch_chain = {}  # header -> chain of includes that reaches torch (None: it does not)

    def reach(h, seen=()):
        if h in torch_chain:
            return torch_chain[h]
        torch_chain[h] = None  # cycles do not reach by themselves
        for kind, inc in headers.get(h, []):
            if kind == '<' and TORCH.match(inc):
                torch_chain[h] = [h, '<' + inc + '>']
                break
            if kind == '"' and inc in headers and inc not in seen:
                sub = reach(inc, seen + (h,))
                if sub:
                    torch_chain[h] = [h] + sub
                    break
        return torch_chain[h]

    for h in sorted(headers):
        chain = reach(h)
        if not is_internal(h):
            if chain:
                problems.append(f'{h} is a public engine header but reaches torch: '
                                f'{" -> ".join(chain)}; move it to engine/<concept>/internal/ '
                                'or keep torch out of it')
            for kind, inc in headers[h]:
                if kind == '"' and is_internal(inc):
                    problems.append(f'{h} is a public engine header but includes the '
                                    f'engine-internal {inc}')
    for path in sources('engine'):
        for kind, inc in includes(path):
            if kind == '<' and QT.match(inc):
                problems.append(f'{path} includes <{inc}>: engine/ must stay Qt-free')
    for top in ('ui', 'app'):
        for path in sources(top):
            for kind, inc in includes(path):
                if kind == '<' and TORCH.match(inc):
                    problems.append(f'{path} includes <{inc}>: {top}/ must stay torch-free')
                if kind == '"' and inc.startswith('engine/') and is_internal(inc):
                    problems.append(f'{path} includes the engine-internal {inc}: {top}/ may use '
                                    'only public engine headers (directly in engine/<concept>/)')
    for p in problems:
        print('layering:', p)
    if problems:
        print(f'layering: {len(problems)} problem(s); see DESIGN.md (Layers) and '
              'docs/architecture.md')
        return 1
    print(f'layering: {len(headers)} engine headers, '
          f'{sum(1 for h in headers if is_internal(h))} internal; ui/ and app/ use public ones only')
    return 0


if __name__ == '__main__':
    sys.exit(main())
