"""Caffe's protobuf messages (NetParameter, LayerParameter, SolverParameter, BlobProto, Datum,
...), built at import from the descriptor of caffe.proto, with the names pycaffe's
``caffe.proto.caffe_pb2`` has.

Example::

    >>> from unigrad.caffe.proto import caffe_pb2
    >>> layer = caffe_pb2.LayerParameter(name="pool1", type="Pooling")
    >>> layer.pooling_param.pool = caffe_pb2.PoolingParameter.AVE
    >>> layer.SerializeToString()
    b'\\n\\x05pool1\\x12\\x07Pooling\\xca\\x07\\x02\\x08\\x01'
"""
from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper

from .descriptor_set import SERIALIZED

try:
    from google.protobuf.message_factory import GetMessageClass as _message_class
except ImportError:  # protobuf < 4.22
    from google.protobuf import message_factory as _mf
    _message_class = _mf.MessageFactory().GetPrototype

# A pool of our own: a pycaffe caffe_pb2 (package caffe) or any other schema loaded into the
# default pool can never clash with these definitions.
POOL = descriptor_pool.DescriptorPool()
POOL.Add(descriptor_pb2.FileDescriptorProto.FromString(SERIALIZED))
DESCRIPTOR = POOL.FindFileByName("caffe.proto")

for _name, _descriptor in DESCRIPTOR.message_types_by_name.items():
    globals()[_name] = _message_class(_descriptor)
for _name, _enum in DESCRIPTOR.enum_types_by_name.items():
    globals()[_name] = EnumTypeWrapper(_enum)  # caffe_pb2.Phase.Name(0) == 'TRAIN'
    for _value in _enum.values:  # top-level enum values are module attributes (caffe_pb2.TRAIN)
        globals()[_value.name] = _value.number
del _name, _descriptor, _enum, _value
