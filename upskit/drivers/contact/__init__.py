"""Contact-closure UPSes (NUT's ``genericups``): status from the serial port's modem lines.

:mod:`.signals` reads the line words of ups.conf (``OL = -CTS``), :mod:`.types` holds
the 24 cable types of NUT's table, :mod:`.driver` is the ``genericups`` driver.
"""
