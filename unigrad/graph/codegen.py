"""Turn a plan into straight-line Python: one line per kernel call over local variables.

The kernels, captured tensors and constants are bound as closure cells of a generated
function, so a run costs the kernel calls and little else (no loop, no slot list, no dispatch).
Line k of the steps is step k, which is how a failure is traced back to its node.
"""
import functools
import keyword

from .memory_plan import InPlace


def generate(steps, placeholder_slots, capture_slots, constant_slots, effect_slots, output_slots, kernel_of):
    """(run function, line of the first step). kernel_of(step index) gives the kernel to call.
    Outputs that are constants are returned as copies: the caller may write into what it gets."""
    bound = {}

    def bind(prefix, obj):
        name = f"{prefix}{len(bound)}"
        bound[name] = obj
        return name
    body = [f"    v{s} = inputs[{i}]" for i, s in enumerate(placeholder_slots)]
    body += [f"    v{s} = {bind('C', t)}._data" for s, t in capture_slots]
    body += [f"    v{s} = {bind('K', a)}" for s, a in constant_slots]
    first_step_line = len(body) + 3  # after the factory's def, run's def and the lines above
    for i, (_, args, outs, release, node, single) in enumerate(steps):
        target = f"v{outs[0]}" if single else "".join(f"v{s}, " for s in outs)
        kernel = kernel_of(i)
        operands = [f"v{a}" for a in args]
        if isinstance(kernel, InPlace):  # ufunc(a, b, out=a)
            operands.append(f"out={operands[kernel.over]}")
            kernel = kernel.ufunc
        elif isinstance(kernel, functools.partial) and all(_plain_name(k) for k in kernel.keywords):
            # call the function itself: no partial, no dict merge
            operands = [bind("P", a) for a in kernel.args] + operands
            operands += [f"{key}={bind('A', value)}" for key, value in kernel.keywords.items()]
            kernel = kernel.func
        line = f"    {target} = {bind('k', kernel)}({', '.join(operands)})"
        if release:
            line += "; del " + ", ".join(f"v{s}" for s in release)
        body.append(line)
    for t, s in effect_slots:
        name = bind("E", t)
        body.append(f"    {name}._data[...] = v{s}; {name}._vc[0] += 1")
    constants = {s for s, _ in constant_slots}
    returned = [f"v{s}.copy()" if s in constants else f"v{s}" for s in output_slots]
    body.append(f"    return [{', '.join(returned)}]")
    source = "\n".join([f"def factory({', '.join(bound)}):", "  def run(inputs):"]
                       + ["  " + line for line in body] + ["  return run"])
    namespace = {}
    exec(compile(source, f"<compiled graph of {len(steps)} steps>", "exec"), namespace)
    return namespace["factory"](**bound), first_step_line


def _plain_name(name):
    return name.isidentifier() and not keyword.iskeyword(name)


def failed_step(functions, first_step_line, steps, exc):
    """(node, argument arrays) of the step whose kernel raised `exc` in one of the generated
    `functions`, or None when the error came from elsewhere."""
    codes = {fn.__code__ for fn in functions}
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code not in codes:
        tb = tb.tb_next
    if tb is None:
        return None
    index = tb.tb_lineno - first_step_line
    if not 0 <= index < len(steps):
        return None
    _, args, _, _, node, _ = steps[index]
    frame_locals = tb.tb_frame.f_locals
    return node, [frame_locals.get(f"v{a}") for a in args]
