"""Exports for leaders and other offices: the pool, a recommendation round, group
rosters and progress reports as ``.xlsx`` or ``.csv`` (UTF-8 with BOM).

:mod:`.table` writes sheets of typed columns; :mod:`.pool`, :mod:`.round`,
:mod:`.groups` and :mod:`.progress` turn what the screens read into sheets;
:mod:`.saving` masks-or-audits and writes. openpyxl is imported only when an
``.xlsx`` file is written.
"""
