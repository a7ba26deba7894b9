"""BroadWorks prerequisites compared with pasted server output: the engine behind the ``bw.*``
checks (:mod:`checks.builtin.bw_server`). :mod:`.evaluation` decides the release and the XSP/ADP
platform; :mod:`.prereqs` compares each part and builds the findings."""
