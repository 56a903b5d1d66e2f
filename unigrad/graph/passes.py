"""Graph passes. Each takes a Graph, rewrites it in place and returns how many nodes it changed.

- dead_code_elimination: drop nodes whose outputs reach no output or effect
- common_subexpression_elimination: merge nodes with the same op, inputs and attrs
- constant_folding: evaluate nodes whose inputs are all constants
- algebraic_simplification: what the ops declare neutral or identity (x*1, x+0, x-0, x/1, a reshape to
  the same shape, identity permutes), and a reshape of a reshape
- channel_add_after_max_pool: a convolution's bias added after its max pooling (4x fewer adds)
- scaled_add_fusion (scaled_add_fusion.py): b*y + a*x as one axpby node (optimizer updates)
- cross_entropy_fusion (loss_fusion.py): a cross-entropy and its gradient share one softmax
Random draws and collectives are never merged or folded.
"""
from ..ops.registry import REGISTRY
from .ir import Node
from .loss_fusion import cross_entropy_fusion
from .scaled_add_fusion import scaled_add_fusion


def _replace(graph, old, new):
    for node in graph.nodes:
        node.inputs = [new if v is old else v for v in node.inputs]
    graph.outputs = [new if v is old else v for v in graph.outputs]
    graph.effects = [(t, new if v is old else v) for t, v in graph.effects]


def dead_code_elimination(graph):
    live = graph.leaving_values()
    kept = []
    for node in reversed(graph.nodes):
        if any(v in live for v in node.outputs):
            kept.append(node)
            live.update(node.inputs)
    removed = len(graph.nodes) - len(kept)
    graph.nodes = kept[::-1]
    graph.captures = [(v, t) for v, t in graph.captures if v in live or any(x is t for x, _ in graph.effects)]
    graph.constants = {v: a for v, a in graph.constants.items() if v in live}
    return removed


def _attr_key(attrs):
    try:
        return repr(sorted(attrs.items()))
    except TypeError:
        return None


def common_subexpression_elimination(graph):
    seen = {}
    kept = []
    merged = 0
    for node in graph.nodes:
        key = None
        if not node.op.has_effects:
            attrs = _attr_key(node.attrs)
            if attrs is not None:
                key = (node.op.name, tuple(v.id for v in node.inputs), attrs)
        if key is not None and key in seen:
            for old, new in zip(node.outputs, seen[key].outputs):
                _replace(graph, old, new)
            merged += 1
            continue
        if key is not None:
            seen[key] = node
        kept.append(node)
    graph.nodes = kept
    return merged


def constant_folding(graph):
    xp = graph.device.xp
    folded = 0
    kept = []
    for node in graph.nodes:
        if not node.op.has_effects and all(v in graph.constants for v in node.inputs):  # (factories have none)
            result = node.op.forward(xp, *[graph.constants[v] for v in node.inputs], **node.attrs)
            results = result if node.op.n_outputs > 1 else (result,)
            for v, r in zip(node.outputs, results):
                v.kind = "constant"
                v.producer = None
                graph.constants[v] = xp.asarray(r)
            folded += 1
            continue
        kept.append(node)
    graph.nodes = kept
    return folded


def drop_unused_argmax(graph):
    """max_pool2d_windows whose argmax nobody reads becomes the cheaper max_pool2d_values."""
    max_pool2d_values_op = REGISTRY["max_pool2d_values"]
    used = {v for node in graph.nodes for v in node.inputs} | graph.leaving_values()
    changed = 0
    for node in graph.nodes:
        if node.name == "max_pool2d_windows" and node.outputs[1] not in used:
            node.op = max_pool2d_values_op
            node.outputs = node.outputs[:1]
            changed += 1
    return changed


def channel_add_after_max_pool(graph):
    """conv output + per-channel bias, then max pooling  ->  max pooling, then + bias.

    Adding the same number to every element of a window keeps its maximum (IEEE addition is
    monotonic), so the result is identical and the add touches 1/(kh*kw) of the elements.
    Matches the chain conv2d leaves: add(M, b (O, 1)) -> reshape (O, OH, OW, N) ->
    permute (3, 0, 1, 2) -> max_pool2d_values, with each intermediate read only once."""
    reshape_op, add_op = REGISTRY["reshape"], REGISTRY["add"]
    users = graph.users()
    protected = graph.leaving_values()

    def only_user(v, name):
        readers = users.get(v, [])
        if len(readers) == 1 and v not in protected and readers[0].name == name:
            return readers[0]
        return None
    changed = 0
    for add in list(graph.nodes):
        if add.name != "add" or len(add.inputs) != 2:
            continue
        m, bias = add.inputs
        out = add.outputs[0]
        if len(m.shape) != 2 or bias.shape != (m.shape[0], 1) or m.shape != out.shape or bias.dtype is not out.dtype:
            continue
        reshape = only_user(out, "reshape")
        permute = reshape and only_user(reshape.outputs[0], "permute")
        pool = permute and only_user(permute.outputs[0], "max_pool2d_values")
        if pool is None or tuple(permute.attrs.get("dims", ())) != (3, 0, 1, 2) or \
                len(reshape.outputs[0].shape) != 4:
            continue
        channels = m.shape[0]
        pooled = pool.outputs[0]
        reshape.inputs = [m]
        graph.nodes.remove(add)
        new_pooled = graph.new_value(pooled.shape, pooled.dtype, pool)
        pool.outputs = [new_pooled]
        bias4 = Node(reshape_op, [bias], {"shape": (1, channels, 1, 1)}, add.site)
        bias4.outputs = [graph.new_value((1, channels, 1, 1), bias.dtype, bias4)]
        late_add = Node(add_op, [new_pooled, bias4.outputs[0]], {}, add.site)
        pooled.producer, pooled.index = late_add, 0
        late_add.outputs = [pooled]
        at = graph.nodes.index(pool) + 1
        graph.nodes[at:at] = [bias4, late_add]
        changed += 1
    return changed


def _const_equals(graph, v, number):
    arr = graph.constants.get(v)
    return arr is not None and arr.size == 1 and arr.shape == () and float(arr) == number


def algebraic_simplification(graph):
    """Drop nodes that give an operand unchanged: a neutral constant operand (the op's
    `compiled.neutral`: x + 0, x * 1, x / 1) or an identity the op declares (`compiled.identity`:
    a reshape to the same shape, an identity permute); and a reshape of a reshape becomes one."""
    changed = 0
    kept = []
    for node in graph.nodes:
        facts = node.op.compiled
        out = node.outputs[0] if node.outputs else None
        replacement = None
        if len(node.inputs) == 2:
            for index, number in facts.neutral:
                if _const_equals(graph, node.inputs[index], number):
                    replacement = node.inputs[1 - index]
                    break
        if replacement is None and facts.identity is not None and node.inputs and facts.identity(node):
            replacement = node.inputs[0]
        producer = node.inputs[0].producer if node.inputs else None
        if replacement is None and node.name == "reshape" and producer is not None and producer.name == "reshape":
            # a reshape of a reshape: one reshape of the original
            node.inputs = [node.inputs[0].producer.inputs[0]]
            changed += 1
        if replacement is not None and replacement.shape == out.shape and replacement.dtype is out.dtype:
            _replace(graph, out, replacement)
            changed += 1
            continue
        kept.append(node)
    graph.nodes = kept
    return changed


DEFAULT_PASSES = (constant_folding, algebraic_simplification, common_subexpression_elimination,
                  dead_code_elimination, drop_unused_argmax, channel_add_after_max_pool, scaled_add_fusion,
                  cross_entropy_fusion)


def optimize(graph, passes=DEFAULT_PASSES, max_rounds=4, fuse=True):
    """Run the passes until nothing changes (or max_rounds), then elementwise fusion once;
    returns {pass name: changes}."""
    report = {p.__name__: 0 for p in passes}
    for _ in range(max_rounds):
        total = 0
        for p in passes:
            n = p(graph)
            report[p.__name__] += n
            total += n
        if not total:
            break
    if fuse:
        from .fusion import elementwise_fusion
        report["elementwise_fusion"] = elementwise_fusion(graph)
    return report

