"""Run a program of this folder with real torch or with unigrad, changing only its imports.

`as_unigrad` rewrites the import lines and nothing else, line for line (so tracebacks keep the
program's line numbers): `import torch` -> `import unigrad as torch`, `import torch.nn as nn` ->
`import unigrad.nn as nn`, `import torch.utils.data` -> `import unigrad as torch; import
unigrad.utils.data`, `from torch.X import Y` -> `from unigrad.X import Y`. Programs run in
this process (a fresh module namespace each, argv and cwd set as a user's shell would) so the
two frameworks are imported once per test session, not once per run.
"""
import contextlib
import importlib.abc
import importlib.util
import io
import os
import re
import sys

PROGRAMS = os.path.dirname(os.path.abspath(__file__))
_IMPORT = re.compile(r"^(\s*)import torch((?:\.\w+)*)(\s+as\s+\w+)?\s*$")
_FROM = re.compile(r"^(\s*)from torch((?:\.\w+)*) import (.+)$")


def as_unigrad(source, name="program"):
    out = []
    for number, line in enumerate(source.splitlines(), 1):
        m, f = _IMPORT.match(line), _FROM.match(line)
        if m:
            indent, sub, alias = m.groups()
            if not sub:
                line = f"{indent}import unigrad as torch{alias or ''}" if alias is None else \
                    f"{indent}import unigrad{alias}"
            elif alias:
                line = f"{indent}import unigrad{sub}{alias}"
            else:  # `import torch.utils.data` binds `torch`, reaching the submodule by attributes
                line = f"{indent}import unigrad as torch; import unigrad{sub}"
        elif f:
            line = f"{f.group(1)}from unigrad{f.group(2)} import {f.group(3)}"
        elif re.search(r"^\s*(import|from)\b.*\btorch\b", line.split("#")[0]):
            raise ValueError(f"{name}:{number}: an import of torch this runner does not rewrite: {line.strip()}")
        out.append(line)
    return "\n".join(out) + "\n"


class _LocalModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports the program's own modules (data.py, model.py beside it) with the same backend:
    their imports rewritten too for unigrad, and forgotten after the run so the next run (the
    other backend) imports them afresh."""

    def __init__(self, folder, backend):
        self.folder, self.backend, self.loaded = folder, backend, []

    def find_spec(self, name, path=None, target=None):
        file = os.path.join(self.folder, name + ".py")
        if "." in name or not os.path.exists(file):
            return None
        return importlib.util.spec_from_loader(name, self, origin=file)

    def exec_module(self, module):
        file = module.__spec__.origin
        with open(file) as f:
            source = f.read()
        if self.backend == "unigrad":
            source = as_unigrad(source, os.path.basename(file))
        module.__file__ = file
        self.loaded.append(module.__name__)
        exec(compile(source, file, "exec"), module.__dict__)


def run(name, args=(), backend="torch", cwd=None):
    """The program's stdout. `backend` 'torch' runs it as written, 'unigrad' with as_unigrad."""
    path = os.path.join(PROGRAMS, name)
    with open(path) as f:
        source = f.read()
    if backend == "unigrad":
        source = as_unigrad(source, name)
    code = compile(source, path, "exec")
    local = _LocalModules(os.path.dirname(path), backend)
    saved = sys.argv, os.getcwd(), list(sys.path)
    sys.argv = [path] + [str(a) for a in args]
    sys.path.insert(0, PROGRAMS)  # mnist_files (NumPy only, the same for both backends)
    sys.meta_path.insert(0, local)
    if cwd is not None:
        os.chdir(cwd)
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer):
            exec(code, {"__name__": "__main__", "__file__": path})
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise RuntimeError(f"{name} ({backend}) exited with status {exc.code}; its output:\n"
                               f"{buffer.getvalue()[-3000:]}") from None
    finally:
        sys.argv, cwd_saved, sys.path[:] = saved[0], saved[1], saved[2]
        os.chdir(cwd_saved)
        sys.meta_path.remove(local)
        for module in local.loaded:
            sys.modules.pop(module, None)
    return buffer.getvalue()


def write_corpus(folder, seed=0, vocabulary=120, lines=(300, 40, 40)):
    """train.txt, valid.txt and test.txt of a text with learnable structure: sentences walked
    through a fixed random word chain (each word has 3 likely successors), from NumPy's seeded
    generator, so every run of the tests sees the same words."""
    import numpy as np
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(vocabulary)]
    successors = rng.integers(0, vocabulary, size=(vocabulary, 3))
    os.makedirs(folder, exist_ok=True)
    for split, count in zip(("train", "valid", "test"), lines):
        with open(os.path.join(folder, f"{split}.txt"), "w") as f:
            for _ in range(count):
                w, sentence = int(rng.integers(vocabulary)), []
                for _ in range(int(rng.integers(5, 15))):
                    sentence.append(words[w])
                    w = int(successors[w, rng.integers(3)])
                f.write(" " + " ".join(sentence) + " \n")
    return folder


def torch_state_to_safetensors(pt_path, st_path):
    """The state_dict a torch run saved with torch.save, as a safetensors file ug.load reads."""
    import torch
    from safetensors.torch import save_file
    state = torch.load(pt_path)
    save_file({k: v.detach().clone() for k, v in state.items()}, st_path)  # clone: tied weights share memory
    return st_path


def floats(pattern, text):
    """Every number the pattern's groups match, in order (^ and $ match at each line)."""
    found = re.findall(pattern, text, re.M)
    return [float(v) for item in found for v in (item if isinstance(item, tuple) else (item,))]


if __name__ == "__main__":  # python runner.py PROGRAM [ARGS...]: both runs, the second from the first's weights
    import tempfile
    import time
    import torch
    torch.set_num_threads(1)
    program, rest = sys.argv[1], sys.argv[2:]
    with tempfile.TemporaryDirectory() as tmp:
        pt = os.path.join(tmp, "init.pt")
        takes_init = "--save-init" in open(os.path.join(PROGRAMS, program)).read()
        for backend, extra in (("torch", ["--save-init", pt] if takes_init else []), ("unigrad", None)):
            if extra is None:
                extra = ["--init", torch_state_to_safetensors(pt, os.path.join(tmp, "init.safetensors"))] \
                    if os.path.exists(pt) else []
            start = time.perf_counter()
            text = run(program, rest + extra, backend, cwd=tmp)
            print(f"==== {backend} ({time.perf_counter() - start:.1f} s)\n{text}")
