"""NUT's canned test tables: what each Q* dialect's device answers in TESTING mode.

A table maps a command (without its terminator, any case) to the reply exactly as
the device sends it, CR included; ``sim://<dialect>?mode=table`` serves one through
:class:`~upskit.sim.responders.TableResponder`.  They are device-side data, so they
live with the simulators, beside (not inside) the drivers that read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from upskit.plugins import UnknownPlugin
from upskit.transport.codecs import with_crc

Table = dict[str, str | bytes]


@dataclass(frozen=True)
class CannedTable:
    """One dialect's table, the reply that means "refused" and the line terminator."""

    replies: Mapping[str, str | bytes]
    rejected: str = ""
    terminator: str = "\r"


Q1_STATUS = "(215.0 195.0 230.0 014 49.0 22.7 30.0 00000000\r"
Q6_STATUS = ("(227.0 225.6 230.0 50.0 229.9 000.0 000.0 49.9 007 000 000 327.8 000.0 23.0 "
             "06932 100 32 00000000 00000000 11\r")
Q2_STATUS = ("(226.6 224.3 228.0 226.6 229.9 000.0 000.0 000 000 000 49.9 327.6 18.0 00000000 "
             "999.24 100 02 00 00 00 00 00000000 11\r")
WA_STATUS = "(001.4 000.0 000.0 001.4 000.0 000.0 001.4 001.4 006.5 000.0 000.0 007 00000000\r"
#: The binary ``QS`` reply of a voltronic-qs-hex unit.
CANNED_QS = (b"#\x6c\x01 \x35 \x6c\x01 \x35 \x03 \x51\x9a \x28\x02\x12\xd0 \xe6 \x1e \x09\r")
QPIGS_STATUS = ("(000.0 00.0 230.0 49.9 0161 0119 003 460 57.50 012 100 0069 0014 103.8 "
                "57.45 00000 00110110 00 00 00856 010")
QPIRI_STATUS = ("(230.0 21.7 230.0 50.0 21.7 5000 4000 48.0 46.0 42.0 56.4 54.0 0 10 010 1 0 0 6 "
                "01 0 0 54.0 0 1")
SILENT_COMMANDS: Table = {
    "Q": "", "S03": "", "C": "", "S02R0005": "", "S.5R0000": "", "T04": "", "TL": "", "T": "",
    "CT": "",
}

MEGATEC: Table = {
    "Q1": "(215.0 195.0 230.0 014 49.0 22.7 30.0 00000000\r",
    "F": "#230.0 000 024.0 50.0\r",
    "I": "#NOT_A_LIVE_UPS  TESTING    TESTING   \r",
    "Q": "",
    "S03": "",
    "C": "",
    "S02R0005": "",
    "S.5R0000": "",
    "T04": "",
    "TL": "",
    "T": "",
    "CT": "",
}

BESTUPS: Table = {
    "Q1": "(215.0 195.0 230.0 014 49.0 22.7 30.0 00100000\r",
    "ID": "FOR,750,120,120,20.0,27.6\r",
    "RT": "015\r", "BP?": "02\r", "BP1": "", "SS?": "0\r", "SS2": "", "M": "0\r",
    "S03": "", "C": "", "S02R0005": "", "S.5R0001": "", "T04": "", "TL": "", "T": "", "CT": "",
}

GTEC: Table = {
    "Q4": "(236.7 243.2 212.1 220.1 230.4 002 001 50.0 371 372 041.3 22.9 IM\r",
    "F": "#230.0 000 024.0 50.0\r",
    "I": "#NOT_A_LIVE_UPS  TESTING    TESTING   \r",
    "Q": "", "S03": "", "C": "", "S02R0005": "", "S.5R0000": "", "T04": "", "TL": "", "T": "",
    "CT": "",
}

INNOVATAE: Table = {
    "Q1": "(215.0 195.0 230.0 014 49.0 22.7 30.0 00000000\r", "Q": "",
    "F": "#230.0 004 024.0 50.0\r", "I": "#222222222222222222222222222R1.00.48\r",
    "S03": "", "C": "", "S02R0005": "", "S.5R0000": "",
    "T04": "ACK", "TL": "ACK", "T": "ACK", "CT": "ACK",
}

INNOVART33: Table = {
    "Q6": Q6_STATUS, "Q1": Q1_STATUS, "WA": WA_STATUS,
    "BPS": "(230.4 000.0 000.0 49.9\r", "F": "#230.0 087 288.0 50.0\r",
    "FW?": "05516-1100\r", "SASV07?": "GASV07DN05K10KB100004      \r",
    "S03": "", "C": "", "S02R0005": "", "S.5R0000": "",
    "T04": "ACK", "TL": "ACK", "T": "ACK", "CT": "ACK",
}

MASTERGUARD: Table = {
    "WH": ("(00 10.06 03.09 A  700  + 0 Bat Pack-19        0 230 50.00 012 02.30 006.00 "
           "012.00 018 10 40 160 276 47.00 53.00\r"),
    "Q3": "(00 225.9 225.9 229.3 043 50.0 02.27 23.4 017.03 100 00000000 00000000\r",
    "GS,00": "(00,00 0 1\r",
    "GBS,00": "(00,100 0017 0000 0708 0712 0994 115 02.28\r",
    "GSN,00": "(00,SSN=6A1212      2782\r",
    "DRC,00": "(00,1869:19:06:37\r",
    "MSO": "(220 230 240\r",
    "PNV": "(PNV=230\r",
    "C": "", "T": "", "TUD": "", "CT": "", "FOFF": "", "FON": "", "T02": "",
    "S.5R0003": "", "S.5": "", "SS---1,00": "", "SS---0,00": "", "SS--2-,00": "",
    "PNV=240": "",
}

MECER: Table = {
    "Q1": "(215.0 195.0 230.0 014 49.0 22.7 30.0 00000000\r",
    "QPI": "(PI98\r",
    "F": "#230.0 000 024.0 50.0\r",
    "I": "#NOT_A_LIVE_UPS  TESTING    TESTING   \r",
    "Q": "(ACK\r", "S03": "(NAK\r", "C": "(NAK\r", "S02R0005": "(ACK\r", "S.5R0000": "(ACK\r",
    "T04": "(NAK\r", "TL": "(ACK\r", "T": "(NAK\r", "CT": "(ACK\r",
}

OMRON: Table = {
    "Q1": "(102.5 000.0 102.4 000 49.9 54.5 22.7 00101000\r",
    "Bl ?": "100\r", "RTS": "0699\r", "TPb": "+22.5\r", "Lf ?": "49.9\r",
    "PSNR": "A0Z25110005109G \r", "FWV": "M:0.17(S:2.00)\r", "BRR": "20260730\r",
    "UN": "1125W/1125VA/048V/160W/020W\r",
    "An": "OK\r", "Af": "OK\r", "S.5": "OK\r", "S02": "OKn\r", "Sf.5": "OK\r", "Sf02": "OK\r",
    "C": "OK\r",
}

VOLTRONIC: Table = {
    "QGS": "(234.9 50.0 229.8 50.0 000.0 00A 369.1 ---.- 026.5 ---.- 018.8 100000000001\r",
    "QPI": "(PI01\r", "QRI": "(230.0 004 024.0 50.0\r", "QMF": "(#####VOLTRONIC\r",
    "I": "#-------------   ------     VT12046Q  \r", "F": "#220.0 000 024.0 50.0\r",
    "QMD": "(#######OLHVT1K0 ###1000 80 2/2 230 230 02 12.0\r",
    "QFS": "(14 212.1 50.0 005.6 49.9 006 010.6 343.8 ---.- 026.2 021.8 01101100\r",
    "QMOD": "(S\r", "QVFW": "(VERFW:00322.02\r", "QID": "(685653211455\r",
    "QBV": "(026.5 02 01 068 255\r", "QFLAG": "(EpashcjDbroegfl\r",
    "QWS": "(0000000000000000000000000000000000000000000000000000000001000001\r",
    "QHE": "(242 218\r", "QBYV": "(264 170\r", "QBYF": "(53.0 47.0\r",
    "QSK1": "(1\r", "QSK2": "(0\r", "QSK3": "(1\r", "QSK4": "(NAK\r",
    "QSKT1": "(008\r", "QSKT2": "(012\r", "QSKT3": "(NAK\r", "QSKT4": "(007\r",
    "RE0": "#20\r", "W0E24": "(ACK\r", "PF": "(ACK\r", "PEA": "(ACK\r", "PDR": "(NAK\r",
    "HEH250": "(ACK\r", "HEL210": "(ACK\r", "PHV260": "(NAK\r", "PLV190": "(ACK\r",
    "PGF51.0": "(NAK\r", "PSF47.5": "(ACK\r", "BATN2": "(ACK\r", "BATGN04": "(ACK\r",
    "QBT": "(01\r", "PBT02": "(ACK\r", "QGR": "(00\r", "PGR01": "(ACK\r",
    "PSK1008": "(ACK\r", "PSK3987": "(ACK\r", "PSK2009": "(ACK\r", "PSK4012": "(ACK\r",
    "Q3PV": "(123.4 456.4 789.4 012.4 323.4 223.4\r",
    "Q3OV": "(253.4 163.4 023.4 143.4 103.4 523.4\r", "Q3OC": "(109 069 023\r",
    "Q3LD": "(005 033 089\r", "Q3YV": "(303.4 245.4 126.4 222.4 293.4 321.4\r",
    "Q3PC": "(002 023 051\r",
    "SOFF": "(NAK\r", "SON": "(ACK\r", "T": "(NAK\r", "TL": "(ACK\r", "CS": "(ACK\r",
    "CT": "(NAK\r", "BZOFF": "(ACK\r", "BZON": "(ACK\r", "S.3R0002": "(ACK\r",
    "S02R0024": "(NAK\r", "S.5": "(ACK\r", "T.3": "(ACK\r", "T02": "(NAK\r",
    "SKON1": "(ACK\r", "SKOFF1": "(NAK\r", "SKON2": "(ACK\r", "SKOFF2": "(ACK\r",
    "SKON3": "(NAK\r", "SKOFF3": "(ACK\r", "SKON4": "(NAK\r", "SKOFF4": "(NAK\r",
    "QPAR": "(003\r", "QPD": "(000 240\r", "PPD120": "(ACK\r", "QLDL": "(005 080\r",
    "QBDR": "(1234\r", "QFRE": "(50.0 00.0\r", "FREH54.0": "(ACK\r", "FREL47.0": "(ACK\r",
    "PEP": "(ACK\r", "PDP": "(ACK\r", "PEB": "(ACK\r", "PDB": "(ACK\r", "PER": "(NAK\r",
    "PEO": "(ACK\r", "PDO": "(ACK\r", "PDA": "(ACK\r", "PES": "(ACK\r", "PDS": "(ACK\r",
    "PEV": "(ACK\r", "PDV": "(ACK\r", "PEE": "(ACK\r", "PDE": "(ACK\r", "PEG": "(ACK\r",
    "PDG": "(NAK\r", "PED": "(ACK\r", "PDD": "(ACK\r", "PEC": "(ACK\r", "PDC": "(NAK\r",
    "PEF": "(NAK\r", "PDF": "(ACK\r", "PEJ": "(NAK\r", "PDJ": "(ACK\r", "PEL": "(ACK\r",
    "PDL": "(ACK\r", "PEN": "(ACK\r", "PDN": "(ACK\r", "PEQ": "(ACK\r", "PDQ": "(ACK\r",
    "PEW": "(NAK\r", "PDW": "(ACK\r",
}

VOLTRONIC_QS: Table = {
    "M": "V\r",
    "QS": "(215.0 195.0 230.0 014 49.0 22.7 30.0 00000000\r",
    "F": "#220.0 003 12.00 50.0\r",
    "QI": "(100 00979 50.0 000.3 177 290 0 0000010000112000\r",
    "Q": "", "C": "", "S02R0005": "", "S.5R0000": "", "T": "",
}


MUSTEK: Table = {("QS" if k == "Q1" else k): v for k, v in MEGATEC.items()}
MEGATEC_OLD: Table = {("D" if k == "Q1" else k): v for k, v in MEGATEC.items()}
ZINTO: Table = {("FW?" if k == "I" else k): v for k, v in MEGATEC.items()}
Q1: Table = {k: v for k, v in MEGATEC.items() if k not in ("F", "I")}
ABLEREX: Table = dict(MEGATEC)
HUNNOX: Table = {
    **{k: v for k, v in MEGATEC.items() if k != "I"},
    "FW?": "#NOT_A_LIVE_UPS  TESTING    TESTING   \r",
    "BL": "BL100\r",
}
Q6: Table = {"Q6": Q6_STATUS, "WA": WA_STATUS, "Q1": Q1_STATUS, **SILENT_COMMANDS}
Q2: Table = {"Q2": Q2_STATUS, "WA": WA_STATUS, "Q1": Q1_STATUS, **SILENT_COMMANDS}
VOLTRONIC_QS_HEX: Table = {
    "QS": CANNED_QS, "M": "P\r", "Q": "", "S00R0000": "", "C": "", "S02R0005": "",
    "S.5R0000": "N\r", "T": "",
}
VOLTRONIC_AXPERT: Table = {
    with_crc(cmd): with_crc(reply) + "\r" for cmd, reply in {
        "QPI": "(PI30", "QVFW": "(VERFW:00074.50", "QID": "(12345679012345",
        "QFLAG": "(EbgpDa", "QENF": "(A1B0C1D0E1F0G0H0I_J_", "PDG": "(ACK",
        "QPIGS": QPIGS_STATUS, "QPIRI": QPIRI_STATUS, "QMOD": "(B",
    }.items()
}

#: Dialect name (NUT's ``protocol=``) -> its canned table.
CANNED: dict[str, CannedTable] = {
    "ablerex": CannedTable(ABLEREX),
    "bestups": CannedTable(BESTUPS),
    "gtec": CannedTable(GTEC),
    "hunnox": CannedTable(HUNNOX),
    "innovart31": CannedTable(INNOVART33, rejected="NAK\r"),
    "innovart33": CannedTable(INNOVART33, rejected="NAK\r"),
    "innovatae": CannedTable(INNOVATAE, rejected="NAK\r"),
    "masterguard": CannedTable(MASTERGUARD),
    "mecer": CannedTable(MECER),
    "megatec": CannedTable(MEGATEC),
    "megatec/old": CannedTable(MEGATEC_OLD),
    "mustek": CannedTable(MUSTEK),
    "omron": CannedTable(OMRON, rejected="NAK\r"),
    "q1": CannedTable(Q1),
    "q2": CannedTable(Q2),
    "q6": CannedTable(Q6),
    "voltronic": CannedTable(VOLTRONIC, rejected="(NAK\r"),
    "voltronic-axpert": CannedTable(VOLTRONIC_AXPERT, rejected="(NAK\r"),
    "voltronic-qs": CannedTable(VOLTRONIC_QS, rejected="(NAK\r"),
    "voltronic-qs-hex": CannedTable(VOLTRONIC_QS_HEX, rejected="N\r"),
    "zinto": CannedTable(ZINTO),
}


def canned_table(dialect: str) -> CannedTable:
    """The canned table of ``dialect`` (case-insensitive); UnknownPlugin lists the known."""
    table = CANNED.get(dialect.lower())
    if table is None:
        raise UnknownPlugin("canned table", dialect, sorted(CANNED))
    return table
