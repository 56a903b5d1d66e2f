"""Pass: a cross-entropy loss and its gradient over the same logits become one node.

A compiled training step holds cross_entropy_index(x, t) and, from its backward,
cross_entropy_index_grad(x, t, g): both start with softmax(x). They become one
cross_entropy_index_with_grad node (two outputs) placed where the gradient was, when nothing
between the two reads the loss. The loss's second output (the rows' log-sum-exp, which its
backward hands the gradient) is then not needed: the fusion is skipped if anything else reads it.
"""
from ..ops.registry import REGISTRY
from .ir import Node


def cross_entropy_fusion(graph):
    cross_entropy_index_with_grad_op = REGISTRY["cross_entropy_index_with_grad"]
    losses = {}
    for i, node in enumerate(graph.nodes):
        if node.name == "cross_entropy_index":
            losses[(node.inputs[0], node.inputs[1], repr(sorted(node.attrs.items())))] = (i, node)
    fused_away = set()
    for j, node in enumerate(graph.nodes):
        if node.name != "cross_entropy_index_grad":
            continue
        x, target, g = node.inputs[:3]
        found = losses.pop((x, target, repr(sorted(node.attrs.items()))), None)
        if found is None or found[0] > j:
            continue
        i, loss_node = found
        loss, grad = loss_node.outputs[0], node.outputs[0]
        if any(loss in n.inputs for n in graph.nodes[i + 1:j]):
            continue  # the loss is read before the gradient exists
        lse = loss_node.outputs[1] if len(loss_node.outputs) > 1 else None
        if lse is not None and (lse in graph.outputs or any(lse in n.inputs for n in graph.nodes if n is not node)):
            continue
        fused = Node(cross_entropy_index_with_grad_op, [x, target, g], node.attrs, loss_node.site)
        fused.outputs = [loss, grad]
        loss.producer, loss.index = fused, 0
        grad.producer, grad.index = fused, 1
        graph.nodes[j] = fused
        fused_away.add(id(loss_node))
    if fused_away:
        graph.nodes = [n for n in graph.nodes if id(n) not in fused_away]
    return len(fused_away)
