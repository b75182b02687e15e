"""A write-only text file that lands in S3 in parts, so an export of any size never sits whole in memory."""

from __future__ import annotations

from typing import Any

MB = 1024 * 1024
PART_SIZE = 8 * MB  # S3 takes parts of 5 MB and more (but the last); 10,000 parts of 8 MB is far beyond any export


class S3Sink:
    def __init__(
        self,
        s3: Any,
        bucket: str,
        key: str,
        *,
        content_type: str = "text/csv; charset=utf-8",
        part_size: int | None = None,
    ) -> None:
        self._s3, self._bucket, self._key, self._type = s3, bucket, key, content_type
        self._part_size = part_size or PART_SIZE
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []

    def write(self, text: str) -> int:
        self._buffer += text.encode("utf-8")
        if len(self._buffer) >= self._part_size:
            self._upload_part()
        return len(text)

    def finish(self) -> None:
        """Store what was written: one PutObject if it fits in a part, else the last part and the whole upload."""
        if self._upload_id is None:
            self._s3.put_object(Bucket=self._bucket, Key=self._key, Body=bytes(self._buffer), ContentType=self._type)
            return
        if self._buffer:
            self._upload_part()
        self._s3.complete_multipart_upload(
            Bucket=self._bucket, Key=self._key, UploadId=self._upload_id, MultipartUpload={"Parts": self._parts}
        )

    def abort(self) -> None:
        """Drop the parts uploaded so far (S3 would otherwise keep, and bill, them)."""
        if self._upload_id is not None:
            self._s3.abort_multipart_upload(Bucket=self._bucket, Key=self._key, UploadId=self._upload_id)
            self._upload_id = None

    @property
    def parts(self) -> int:
        return len(self._parts)

    def _upload_part(self) -> None:
        if self._upload_id is None:
            self._upload_id = self._s3.create_multipart_upload(
                Bucket=self._bucket, Key=self._key, ContentType=self._type
            )["UploadId"]
        number = len(self._parts) + 1
        etag = self._s3.upload_part(
            Bucket=self._bucket, Key=self._key, UploadId=self._upload_id, PartNumber=number, Body=bytes(self._buffer)
        )["ETag"]
        self._parts.append({"ETag": etag, "PartNumber": number})
        self._buffer.clear()
