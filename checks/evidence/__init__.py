"""Evidence readers: what admins paste or save (HAR captures, BroadWorks CLI output, logs, exports),
read safely and, for big files, streamed."""
