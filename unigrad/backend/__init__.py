from .device import Device, device, cpu, get_device, cuda_available
from .dtypes import (DType, dtype_of, to_dtype, promote, result_dtype, float16, float32, float64,
                     int8, uint8, int16, int32, int64, bool_, get_default_dtype, set_default_dtype)
