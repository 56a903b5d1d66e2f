"""gflags-style command-line flags, as Caffe's tools take them: `-flag value`, `-flag=value`,
`--flag=value`, booleans as `--flag`, `--flag=false` or `--noflag`."""
from .errors import CaffeError


class FlagError(CaffeError, ValueError):
    """A command line the tool cannot accept."""


class Flag:
    def __init__(self, name, default, help, kind=str):
        self.name, self.default, self.help, self.kind = name, default, help, kind


def _boolean(text, name):
    lowered = text.lower()
    if lowered in ("1", "true", "t", "yes", "y"):
        return True
    if lowered in ("0", "false", "f", "no", "n"):
        return False
    raise FlagError(f"flag --{name}: {text!r} is not a boolean (true or false)")


def parse(argv, flags, command):
    """(values by flag name, positional arguments) from argv, for the Flags in `flags`."""
    known = {f.name: f for f in flags}
    values = {f.name: f.default for f in flags}
    positional = []
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            positional.extend(args[i:])
            break
        if not arg.startswith("-") or arg == "-":
            positional.append(arg)
            continue
        name, has_value, value = arg.lstrip("-").partition("=")
        flag = known.get(name)
        if flag is None and name.startswith("no") and name[2:] in known and known[name[2:]].kind is bool:
            values[name[2:]] = False
            continue
        if flag is None:
            names = ", ".join(f"--{f}" for f in sorted(known))
            raise FlagError(f"{command}: unknown flag {arg!r}; the flags are {names}")
        if flag.kind is bool:
            values[name] = _boolean(value, name) if has_value else True
            continue
        if not has_value:
            if i >= len(args):
                raise FlagError(f"{command}: flag --{name} needs a value")
            value = args[i]
            i += 1
        try:
            values[name] = flag.kind(value)
        except ValueError:
            raise FlagError(f"{command}: flag --{name} needs a {flag.kind.__name__}, got {value!r}") from None
    return values, positional


def usage(flags):
    lines = []
    for f in flags:
        default = f' (default: "{f.default}")' if f.kind is str else f" (default: {f.default})"
        lines.append(f"    -{f.name} ({f.help}) type: {f.kind.__name__}{default}")
    return "\n".join(lines)
