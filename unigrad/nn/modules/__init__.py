from .module import Module
from .container import ModuleDict, ModuleList, Sequential
from .linear import Flatten, Identity, Linear, Unflatten
from .conv import Conv1d, Conv2d, ConvTranspose2d
from .pooling import AdaptiveAvgPool2d, AvgPool2d, LocalResponseNorm, MaxPool2d
from .normalization import BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm
from .activation import ELU, GELU, LeakyReLU, LogSoftmax, ReLU, ReLU6, Sigmoid, SiLU, Softmax, Softplus, Tanh
from .sparse_dropout import Dropout, Embedding
from .dropout import Dropout1d, Dropout2d, Dropout3d
from .conv3d import Conv3d
from .conv_transpose1d import ConvTranspose1d
from .max_pool3d import MaxPool3d
from .channel_activation import PReLU, Softmax2d
from .bilinear import Bilinear
from .pixelshuffle import PixelShuffle, PixelUnshuffle
from .upsampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d
from .instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .more_activations import (CELU, GLU, SELU, Hardshrink, Hardsigmoid, Hardswish, Hardtanh, LogSigmoid, Mish,
                               Softmin, Softshrink, Softsign, Tanhshrink, Threshold)
from .more_losses import (CosineEmbeddingLoss, GaussianNLLLoss, HingeEmbeddingLoss, KLDivLoss, MarginRankingLoss,
                          MultiLabelSoftMarginLoss, PoissonNLLLoss, SoftMarginLoss, TripletMarginLoss)
from .distance import CosineSimilarity, PairwiseDistance
from .pooling_1d import AdaptiveAvgPool1d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, AvgPool1d, MaxPool1d
from .padding import (CircularPad1d, CircularPad2d, CircularPad3d, ConstantPad1d, ConstantPad2d, ConstantPad3d,
                      ReflectionPad1d, ReflectionPad2d, ReflectionPad3d, ReplicationPad1d, ReplicationPad2d,
                      ReplicationPad3d, ZeroPad1d, ZeroPad2d, ZeroPad3d)
from .batchnorm import BatchNorm3d
from .rms_norm import RMSNorm
from .channelshuffle import ChannelShuffle
from .fold import Fold, Unfold
from .dropout import AlphaDropout
from .more_losses import MultiMarginLoss
from .conv_transpose3d import ConvTranspose3d
from .pooling_3d import AdaptiveAvgPool3d, AvgPool3d
from .embedding_bag import EmbeddingBag
from .parameter_containers import ParameterDict, ParameterList
from .multihead_attention import MultiheadAttention
from .transformer import (Transformer, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder,
                          TransformerEncoderLayer)
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, CTCLoss, HuberLoss, L1Loss, MSELoss, NLLLoss,
                   SmoothL1Loss)
