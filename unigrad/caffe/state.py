"""NetState and its include/exclude rules: which layers of a definition a phase, level and set of
stages builds (Caffe's FilterNet and StateMeetsRule)."""
from . import glog
from .errors import NetDefinitionError
from .proto import caffe_pb2 as pb


def make_state(phase=pb.TEST, level=0, stages=(), base=None):
    """A NetState: the definition's own `state` (when given as `base`) overridden by these."""
    state = pb.NetState()
    if base is not None:
        state.CopyFrom(base)
    state.phase = phase
    if level:
        state.level = level
    state.stage.extend(s for s in stages if s not in state.stage)
    return state


def meets_rule(state, rule, layer_name):
    """Whether `state` satisfies NetStateRule `rule` (only the rule's present fields count)."""
    if rule.HasField("phase") and rule.phase != state.phase:
        glog.info(f"The NetState phase ({state.phase}) differed from the phase ({rule.phase}) specified by a rule "
                  f"in layer {layer_name}")
        return False
    if rule.HasField("min_level") and state.level < rule.min_level:
        glog.info(f"The NetState level ({state.level}) is above the min_level ({rule.min_level}) specified by a "
                  f"rule in layer {layer_name}")
        return False
    if rule.HasField("max_level") and state.level > rule.max_level:
        glog.info(f"The NetState level ({state.level}) is above the max_level ({rule.max_level}) specified by a "
                  f"rule in layer {layer_name}")
        return False
    for stage in rule.stage:
        if stage not in state.stage:
            glog.info(f"The NetState did not contain stage '{stage}' specified by a rule in layer {layer_name}")
            return False
    for stage in rule.not_stage:
        if stage in state.stage:
            glog.info(f"The NetState contained a not_stage '{stage}' specified by a rule in layer {layer_name}")
            return False
    return True


def layer_included(layer, state):
    """Caffe's rule: no rules -> included; any include rule met -> included; any exclude rule
    met -> excluded; both kinds on one layer is an error."""
    if len(layer.include) and len(layer.exclude):
        raise NetDefinitionError(f"layer '{layer.name}': specify either include rules or exclude rules, not both")
    if len(layer.include):
        return any(meets_rule(state, rule, layer.name) for rule in layer.include)
    return not any(meets_rule(state, rule, layer.name) for rule in layer.exclude)


def filter_net(net, state):
    """A copy of NetParameter `net` holding only the layers `state` builds."""
    out = pb.NetParameter()
    out.CopyFrom(net)
    del out.layer[:]
    out.layer.extend(layer for layer in net.layer if layer_included(layer, state))
    return out
