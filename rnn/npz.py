""".npz bytes from outside (an uploaded weights file, a value read from a shared store), opened
without trusting them: the one reader that rnn.weights and rnn.archive share.

An .npz is a zip archive of .npy members. `np.load` trusts both layers: it unpacks a member of
whatever size the zip claims, with any method zipfile knows (bzip2 and LZMA included, which
unpack without a bound on what one read produces: a small bomb fills memory), and reads an .npy
member's data as its header declares. Here, before a byte of a member is used:

- the archive is at most the caller's number of bytes, and holds at most its number of members,
  none of the caller's names twice;
- a member is read only if its unpacked size is within the caller's bound, its method is one the
  caller allows (stored; deflated too for weights, as np.savez_compressed writes them) and it is
  neither encrypted nor a patch; it is read to its end, where zipfile checks its CRC;
- an .npy header is version 1.0 or 2.0 and parsed by NumPy's own header reader (never
  unpickled: an object dtype is only a dtype here), and a member's data must be exactly as long
  as its header declares.

Every failure is NpzError: `kind` "too_big" (a size over the caller's bound) or "unreadable", and
a plain message naming the member by the caller's name for it, quoting nothing of the file.
"""
import io
import math
import zipfile

import numpy as np

STORED, DEFLATED = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED
REFUSED_FLAGS = ((0x1, "is encrypted"), (0x40, "is encrypted"), (0x20, "is stored as a patch"))


class NpzError(ValueError):
    """Bytes that cannot be read as asked; `kind` is "too_big" or "unreadable"."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


def open_zip(data, max_bytes, max_members, names=()):
    """(the zip archive of `data`, its members by name): at most `max_bytes` bytes and
    `max_members` members, none of `names` twice."""
    if len(data) > max_bytes:
        raise NpzError("too_big", f"the file is larger than {max_bytes} bytes")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception as error:  # zipfile raises many types on damaged bytes
        raise NpzError("unreadable", "not a complete zip archive, as an .npz file is") from error
    if len(infos) > max_members:
        raise NpzError("unreadable", f"more than {max_members} members in the file")
    listed = [info.filename for info in infos]
    for name in names:
        if listed.count(f"{name}.npy") > 1:
            raise NpzError("unreadable", f"{name} appears more than once in the file")
    return archive, {info.filename: info for info in infos}


def read_member(archive, info, name, max_bytes, methods=(STORED,)):
    """A member's bytes, its unpacked size, method and flags checked first, read to its end (so
    zipfile checks its CRC)."""
    if info.file_size > max_bytes:
        raise NpzError("too_big", f"{name} unpacks to {info.file_size} bytes")
    if info.compress_type not in methods:
        allowed = " or ".join({STORED: "stored", DEFLATED: "deflated"}[m] for m in methods)
        raise NpzError("unreadable", f"{name} is compressed with method {info.compress_type}, "
                                     f"not {allowed}")
    for flag, refusal in REFUSED_FLAGS:
        if info.flag_bits & flag:
            raise NpzError("unreadable", f"{name} {refusal}")
    try:
        with archive.open(info) as member:
            return member.read(info.file_size + 1)
    except Exception as error:  # zipfile and zlib raise many types on damaged members
        raise NpzError("unreadable", f"{name} is damaged and cannot be unpacked") from error


def parse_npy(raw, name):
    """An .npy member's (shape, fortran_order, dtype, data bytes), its header checked by NumPy."""
    stream = io.BytesIO(raw)
    try:
        version = np.lib.format.read_magic(stream)
        if version not in ((1, 0), (2, 0)):
            raise NpzError("unreadable", f"{name} is .npy version {version[0]}.{version[1]}, "
                                         "not 1.0 or 2.0")
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) \
            else np.lib.format.read_array_header_2_0
        shape, fortran_order, dtype = read_header(stream)
    except NpzError:
        raise
    except Exception as error:  # NumPy's header parser raises many types on hostile headers
        raise NpzError("unreadable", f"{name} does not begin with a valid .npy header") from error
    return shape, fortran_order, dtype, raw[stream.tell():]


def plain_shape(shape):
    """Whether every size in `shape` is a plain non-negative int (True is not a size)."""
    return all(type(size) is int and size >= 0 for size in shape)


def check_length(name, shape, dtype, data):
    """The data of a member must be exactly as long as its header declares."""
    declared = math.prod(shape) * dtype.itemsize
    if len(data) != declared:
        raise NpzError("unreadable", f"{name} holds {len(data)} bytes of numbers where its "
                                     f"header declares {declared}")
