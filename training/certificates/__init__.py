"""Certificates (结业证书): issuing in batches on the task queue, signed PDFs, public verification."""
