"""Model updates to and from the daemon's wire format: one flat vector of little-endian float32.

`flatten(update)` takes any of the shapes a training loop has at hand and gives the bytes to send and a
`rebuild` function that turns a vector of the same length (the round's mean) back into the same shape:

- a flat list or tuple of numbers, or an array.array ('f' or 'd'): back as the same kind of sequence;
- a numpy array of a floating dtype, any shape: back as an array of that shape and dtype;
- a torch tensor of a floating dtype, any shape: back as a tensor of that shape, dtype and device;
- a list or tuple of the above (per-layer arrays): back as a list or tuple of them;
- a dict or OrderedDict of them, such as a state_dict: back as the same mapping type, same keys.

Inside a list or dict, entries that are not floating point (integer or bool arrays and tensors such as
BatchNorm's num_batches_tracked, Python ints) are not aggregated: a mean of counters means nothing.
They are left out of the vector and come back unchanged, as the very objects given.

numpy and torch are never imported here: an array or tensor can only come from a program that already
imported them, so they are looked up in sys.modules.
"""
import array
import numbers
import sys
from collections.abc import Mapping

# The wire format is little-endian; array.array uses the machine's order.
_SWAP = sys.byteorder == "big"


class Flattened:
    """An update as the daemon takes it: `body` (bytes), `size` (float count), `rebuild(mean_bytes)`."""

    def __init__(self, body, size, rebuild):
        self.body = body
        self.size = size
        self.rebuild = rebuild


def flatten(update):
    """Flattens an update (see the module's docstring for the kinds taken); raises TypeError naming
    the entry it cannot take."""
    parts = _Parts()
    rebuild = _plan(update, parts, "update", top=True)
    return Flattened(b"".join(parts.buffers), parts.size, rebuild)


class _Parts:
    """The update's float32 buffers in order, joined once at the end, and how many floats so far."""

    def __init__(self):
        self.buffers = []
        self.size = 0

    def add(self, buffer, count):
        self.buffers.append(buffer)
        self.size += count


def _plan(value, parts, path, top=False):
    """Adds value's float32 bytes to parts; returns a function of the whole mean's bytes that rebuilds
    value's shape from the slice where value's bytes went."""
    offset = parts.size
    np = sys.modules.get("numpy")
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        return _tensor(torch, value, parts, offset, path, top)
    if np is not None and isinstance(value, np.ndarray):
        return _ndarray(np, value, parts, offset, path, top)
    if isinstance(value, Mapping):
        rebuilds = [(key, _plan(item, parts, "%s[%r]" % (path, key))) for key, item in value.items()]
        return _mapping_rebuild(value, rebuilds)
    if isinstance(value, array.array):
        return _array(value, parts, offset, path)
    if isinstance(value, (list, tuple)):
        if len(value) == 0 or isinstance(value[0], numbers.Real):
            return _numbers(value, parts, offset, path)
        rebuilds = [_plan(item, parts, "%s[%d]" % (path, i)) for i, item in enumerate(value)]
        kind = type(value) if type(value) in (list, tuple) else list
        return lambda mean: kind(rebuild(mean) for rebuild in rebuilds)
    if isinstance(value, numbers.Integral) and not top:
        return lambda mean: value
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        parts.add(le_bytes([value]), 1)
        kind = type(value)
        return lambda mean: kind(floats_at(mean, offset, 1)[0])
    raise TypeError(
        "%s is a %s: an update is a list of floats, an array.array, a numpy array, a torch tensor, "
        "or a list or dict of those" % (path, type(value).__name__)
    )


def _tensor(torch, value, parts, offset, path, top):
    if not value.is_floating_point():
        if top:
            raise TypeError("%s is a %s tensor: only floating-point values are aggregated" % (path, value.dtype))
        return lambda mean: value
    np = _numpy_for(path)
    # float32 on the CPU first: bfloat16 and float16 tensors have no numpy view of their own
    values = value.detach().to(device="cpu", dtype=torch.float32).contiguous().numpy()
    parts.add(np.ascontiguousarray(values, dtype="<f4"), values.size)
    shape, count, dtype, device = tuple(value.shape), values.size, value.dtype, value.device

    def rebuild(mean):
        # astype copies into a writable native array, which torch.from_numpy needs
        flat = np.frombuffer(mean, dtype="<f4", count=count, offset=offset * 4).astype(np.float32)
        return torch.from_numpy(flat.reshape(shape)).to(device=device, dtype=dtype)

    return rebuild


def _ndarray(np, value, parts, offset, path, top):
    if not np.issubdtype(value.dtype, np.floating):
        if top:
            raise TypeError("%s is a numpy array of %s: only floating-point values are aggregated" % (path, value.dtype))
        return lambda mean: value
    parts.add(np.ascontiguousarray(value, dtype="<f4"), value.size)
    shape, count, dtype = value.shape, value.size, value.dtype
    return lambda mean: np.frombuffer(mean, dtype="<f4", count=count, offset=offset * 4).reshape(shape).astype(dtype)


def _mapping_rebuild(value, rebuilds):
    def rebuild(mean):
        pairs = [(key, item(mean)) for key, item in rebuilds]
        try:
            out = type(value)(pairs)
        except TypeError:  # a mapping type that cannot be built from pairs
            out = dict(pairs)
        # a torch state_dict carries its modules' versions here, which load_state_dict reads
        if hasattr(value, "_metadata"):
            out._metadata = value._metadata
        return out

    return rebuild


def _array(value, parts, offset, path):
    if value.typecode not in "fd":
        raise TypeError("%s is an array.array of typecode %r: only 'f' and 'd' hold floats to aggregate" % (path, value.typecode))
    parts.add(le_bytes(value), len(value))
    typecode, count = value.typecode, len(value)
    return lambda mean: array.array(typecode, floats_at(mean, offset, count))


def _numbers(value, parts, offset, path):
    try:
        data = le_bytes(value)
    except TypeError:
        bad = next((item for item in value if not isinstance(item, numbers.Real)), None)
        if bad is None:
            raise
        raise TypeError("%s mixes numbers with a %s: a flat update holds numbers only" % (path, type(bad).__name__)) from None
    parts.add(data, len(value))
    kind, count = type(value) if type(value) in (list, tuple) else list, len(value)
    return lambda mean: kind(floats_at(mean, offset, count).tolist())


def le_bytes(values):
    """Numbers (a sequence or array.array) as little-endian float32 bytes."""
    out = values if isinstance(values, array.array) and values.typecode == "f" else array.array("f", values)
    if _SWAP:
        out = array.array("f", out)
        out.byteswap()
    return out.tobytes()


def floats_at(mean, offset=0, count=None):
    """count float32 values (all by default) of the little-endian mean, from the offset-th, as array.array('f')."""
    out = array.array("f")
    out.frombytes(mean[offset * 4:] if count is None else mean[offset * 4:(offset + count) * 4])
    if _SWAP:
        out.byteswap()
    return out


def _numpy_for(path):
    try:
        import numpy
    except ImportError:
        raise TypeError("%s is a torch tensor, and flattening one needs numpy, which is not installed" % path) from None
    return numpy
