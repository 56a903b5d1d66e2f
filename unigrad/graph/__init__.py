"""Static graphs: the IR, tracing, passes and the executor."""
from .ir import Graph, Node, Value
from .jit import CompiledFunction, jit, trace
from .passes import optimize
