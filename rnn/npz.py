""".npz bytes from outside (an uploaded weights file, a value read from a shared store), opened
without trusting them: the one reader that rnn.weights and rnn.archive share.

An .npz is a zip archive of .npy members, and `np.load` trusts both layers:

- the zip: it sets no bound of its own on what a member unpacks to (a member that is not .npy is
  read whole, as large as the zip says it is), takes any method zipfile knows, bzip2 and LZMA
  included, which zipfile unpacks without a bound on what one read produces (a bzip2 member of a
  few hundred bytes fills hundreds of megabytes before its first six bytes are looked at), and of
  a name that appears twice it silently reads the last;
- the .npy: it allocates the array its header declares before reading a byte of the data, and
  reads no further than that, so bytes after it are ignored (and the CRC, which zipfile checks at
  a member's end, may never be checked);
- its errors are of many types (BadZipFile, MemoryError, NotImplementedError, RuntimeError,
  TypeError, ValueError, ...), and some of their messages quote the file.

Here, before a byte of a member is used:

- the archive is at most the caller's number of bytes and holds at most its number of members,
  no name twice;
- a member is read only if its unpacked size is within the caller's bound, its method is one the
  caller allows (stored; deflated too for weights, as np.savez_compressed writes them), it is
  neither encrypted nor a patch, and, stored, its two sizes agree; it is read to its end, where
  zipfile checks its CRC;
- an .npy header is version 1.0 or 2.0, parsed by NumPy's own header reader (never unpickled: an
  object dtype is only a dtype here), its sizes plain non-negative ints, and the data exactly as
  long as they declare.

Every failure is NpzError: `kind` "too_big" (a size over the caller's bound) or "unreadable", and
a plain message naming the member by the caller's name for it and quoting no text of the file.
"""
import io
import math
import zipfile

import numpy as np

STORED, DEFLATED = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED
METHOD_NAMES = {STORED: "stored", DEFLATED: "deflated"}
REFUSED_FLAGS = ((0x1, "is encrypted"), (0x40, "is encrypted"), (0x20, "is stored as a patch"))
NPY_VERSIONS = {(1, 0): np.lib.format.read_array_header_1_0,
                (2, 0): np.lib.format.read_array_header_2_0}
LARGEST_NAMED = 2**63  # a declared size above it is not written out in a message


class NpzError(ValueError):
    """Bytes that cannot be read as asked; `kind` is "too_big" or "unreadable"."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


def open_zip(data, max_bytes, max_members, names=()):
    """(the zip archive of `data`, its members by file name): at most `max_bytes` bytes and
    `max_members` members, no file name twice. `names` are the members the caller knows (without
    ".npy"): messages name those, and only those."""
    if len(data) > max_bytes:
        raise NpzError("too_big", f"the file is larger than {max_bytes} bytes")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception as error:  # zipfile raises many types on damaged bytes
        raise NpzError("unreadable", "not a complete zip archive, as an .npz file is") from error
    if len(infos) > max_members:
        raise NpzError("unreadable", f"more than {max_members} members in the file")
    members = {info.filename: info for info in infos}
    if len(members) != len(infos):
        listed = [info.filename for info in infos]
        twice = [name for name in names if listed.count(f"{name}.npy") > 1]
        raise NpzError("unreadable", f"{twice[0] if twice else 'a member'} appears more than "
                                     "once in the file")
    return archive, members


def read_member(archive, info, name, max_bytes, methods=(STORED,)):
    """A member's bytes, its unpacked size, method, flags and sizes checked first, read to its end
    (so zipfile checks its CRC)."""
    if info.file_size > max_bytes:
        raise NpzError("too_big", f"{name} unpacks to {info.file_size} bytes")
    if info.compress_type not in methods:
        allowed = " or ".join(METHOD_NAMES[method] for method in methods)
        raise NpzError("unreadable", f"{name} is compressed with method {info.compress_type}, "
                                     f"not {allowed}")
    for flag, refusal in REFUSED_FLAGS:
        if info.flag_bits & flag:
            raise NpzError("unreadable", f"{name} {refusal}")
    damaged = f"{name} is damaged and cannot be unpacked"
    if info.compress_type == STORED and info.compress_size != info.file_size:
        raise NpzError("unreadable", damaged)
    try:
        with archive.open(info) as member:
            return member.read(info.file_size + 1)
    except Exception as error:  # zipfile and zlib raise many types on damaged members
        raise NpzError("unreadable", damaged) from error


def parse_npy(raw, name, check=None):
    """An .npy member's (shape, fortran_order, dtype, data bytes): the header version 1.0 or 2.0
    and read by NumPy; then `check(shape, fortran_order, dtype)`, when given, so that the caller's
    own refusals (raised as it likes) come first; then the sizes plain non-negative ints and the
    data exactly as long as they declare."""
    stream = io.BytesIO(raw)
    try:
        version = np.lib.format.read_magic(stream)
        if version not in NPY_VERSIONS:
            raise NpzError("unreadable", f"{name} is .npy version {version[0]}.{version[1]}, "
                                         "not 1.0 or 2.0")
        shape, fortran_order, dtype = NPY_VERSIONS[version](stream)
    except NpzError:
        raise
    except Exception as error:  # NumPy's header parser raises many types on hostile headers
        raise NpzError("unreadable", f"{name} does not begin with a valid .npy header") from error
    if check is not None:
        check(shape, fortran_order, dtype)
    if not plain_shape(shape):
        raise NpzError("unreadable", f"{name} has a shape that is not whole numbers")
    data = raw[stream.tell():]
    declared = math.prod(shape) * dtype.itemsize
    if len(data) != declared:
        told = declared if declared <= LARGEST_NAMED else f"more than {LARGEST_NAMED}"
        raise NpzError("unreadable", f"{name} holds {len(data)} bytes of numbers where its "
                                     f"header declares {told}")
    return shape, fortran_order, dtype, data


def plain_shape(shape):
    """Whether every size in `shape` is a plain non-negative int (True is not a size)."""
    return all(type(size) is int and size >= 0 for size in shape)
