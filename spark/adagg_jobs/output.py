"""Single output files on any storage Spark writes to (local, `s3a://`,
`hdfs://`, `abfss://`), through Hadoop's FileSystem API from the driver: the
files the CLI writes are small (rankings) or streamed in order from the
executors (`toLocalIterator`), so no part files are left to rename."""
_CHUNK = 1 << 20


class OutputDir:
    """A directory on a Hadoop file system; created on first use."""

    def __init__(self, spark, directory):
        jvm = spark._jvm
        self._jvm = jvm
        self._conf = spark._jsc.hadoopConfiguration()
        self._dir = jvm.org.apache.hadoop.fs.Path(directory)
        self._fs = self._dir.getFileSystem(self._conf)
        try:
            self._fs.setWriteChecksum(False)  # no .crc files beside outputs on a local disk
        except Exception:  # noqa: BLE001 - only ChecksumFileSystem has it
            pass
        self._fs.mkdirs(self._dir)

    def path(self, name):
        return self._jvm.org.apache.hadoop.fs.Path(self._dir, name)

    def write(self, name, text):
        """Writes `name` with `text` (UTF-8), replacing it."""
        self.write_lines(name, [text])

    def write_lines(self, name, pieces):
        """Writes `name` from an iterable of strings, in order, in 1 MiB
        writes (so a file of millions of lines never sits in memory)."""
        out = self._fs.create(self.path(name), True)
        try:
            buf = []
            size = 0
            for piece in pieces:
                buf.append(piece)
                size += len(piece)
                if size >= _CHUNK:
                    out.write(bytearray("".join(buf).encode("utf-8")))
                    buf, size = [], 0
            if buf:
                out.write(bytearray("".join(buf).encode("utf-8")))
        finally:
            out.close()

    def delete(self, name):
        self._fs.delete(self.path(name), False)
