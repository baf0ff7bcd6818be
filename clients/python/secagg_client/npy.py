"""The .npy files the command line reads and writes, with the standard library alone (no numpy needed).

Only what updates are: little-endian float32 or float64 in C order, any shape.
"""
import array
import ast
import struct
import sys

from .updates import le_bytes

MAGIC = b"\x93NUMPY"
_TYPECODES = {"<f4": "f", "<f8": "d"}


def is_npy(data):
    return data[:6] == MAGIC


def read_npy(data, name):
    """The float values of a .npy file's bytes, as array.array('f'), and its shape."""
    if len(data) < 10 or not is_npy(data):
        raise ValueError("%s is not a .npy file" % name)
    major = data[6]
    if major == 1:
        (length,), start = struct.unpack("<H", data[8:10]), 10
    elif major in (2, 3):
        (length,), start = struct.unpack("<I", data[8:12]), 12
    else:
        raise ValueError("%s is a .npy file of version %d, which this client does not read" % (name, major))
    try:
        header = ast.literal_eval(data[start:start + length].decode("latin1"))
        descr, fortran, shape = header["descr"], header["fortran_order"], tuple(header["shape"])
    except (ValueError, SyntaxError, KeyError, TypeError):
        raise ValueError("%s has a malformed .npy header" % name) from None
    if descr not in _TYPECODES:
        raise ValueError("%s holds %s values: an update is little-endian float32 (<f4) or float64 (<f8)" % (name, descr))
    if fortran:
        raise ValueError("%s is in Fortran order: save it in C order (numpy's default)" % name)
    values = array.array(_TYPECODES[descr])
    count = 1
    for extent in shape:
        count *= extent
    payload = data[start + length:]
    if len(payload) != count * values.itemsize:
        raise ValueError("%s declares shape %s (%d values) but holds %d bytes of them" % (name, shape, count, len(payload)))
    values.frombytes(payload)
    if sys.byteorder == "big":
        values.byteswap()
    return (values if values.typecode == "f" else array.array("f", values)), shape


def write_npy(values, shape):
    """A .npy file (version 1) of little-endian float32 values in C order."""
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': %r, }" % (tuple(shape),)
    # numpy pads the header with spaces and a newline so that the data starts 64-byte aligned
    padding = 64 - (len(MAGIC) + 4 + len(header) + 1) % 64
    header = (header + " " * (padding % 64) + "\n").encode("latin1")
    return MAGIC + b"\x01\x00" + struct.pack("<H", len(header)) + header + le_bytes(values)
