"""Caffe's InsertSplits: a blob read by several bottoms (or used as a loss and read) gets a Split
layer right after its producer, with Caffe's names (`<blob>_<layer>_<top index>_split` and tops
`..._split_<k>`), so snapshots and logs name the same layers Caffe's do."""
from .errors import NetDefinitionError
from .proto import caffe_pb2 as pb


def split_layer_name(layer, blob, index):
    return f"{blob}_{layer}_{index}_split"


def split_blob_name(layer, blob, index, k):
    return f"{blob}_{layer}_{index}_split_{k}"


def insert_splits(net, source="<net>"):
    """A copy of (filtered) NetParameter `net` with Split layers inserted."""
    last_top = {}           # blob -> (layer index, top index) of its latest producer
    source_of = {}          # (layer, bottom index) -> (layer, top index)
    readers = {}            # (layer, top index) -> how many bottoms (and losses) read it
    loss_weight = {}
    for i, layer in enumerate(net.layer):
        for j, blob in enumerate(layer.bottom):
            if blob not in last_top:
                raise NetDefinitionError(f"{source}: unknown bottom blob '{blob}' (layer '{layer.name}', bottom index "
                                         f"{j}); a bottom must be the top of an earlier layer")
            top = last_top[blob]
            source_of[(i, j)] = top
            readers[top] = readers.get(top, 0) + 1
        for j, blob in enumerate(layer.top):
            last_top[blob] = (i, j)
        # a top used as a loss counts like one more reader
        for j, weight in enumerate(layer.loss_weight):
            if weight:
                readers[(i, j)] = readers.get((i, j), 0) + 1
                loss_weight[(i, j)] = weight
    out = pb.NetParameter()
    out.CopyFrom(net)
    del out.layer[:]
    next_split = {}
    for i, layer in enumerate(net.layer):
        copy = out.layer.add()
        copy.CopyFrom(layer)
        for j, blob in enumerate(layer.bottom):
            top = source_of[(i, j)]
            if readers.get(top, 0) > 1:
                k = next_split.get(top, 0)
                copy.bottom[j] = split_blob_name(net.layer[top[0]].name, blob, top[1], k)
                next_split[top] = k + 1
        for j, blob in enumerate(layer.top):
            count = readers.get((i, j), 0)
            if count > 1:
                weight = loss_weight.get((i, j), 0.0)
                split = out.layer.add(name=split_layer_name(layer.name, blob, j), type="Split")
                split.bottom.append(blob)
                for k in range(count):
                    split.top.append(split_blob_name(layer.name, blob, j, k))
                    if weight:
                        split.loss_weight.append(weight if k == 0 else 0.0)
                if weight:
                    copy.ClearField("loss_weight")
                    next_split[(i, j)] = 1  # the loss takes split top 0
    return out
