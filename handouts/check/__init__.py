"""Check: built handouts and packets in, figures against the standards' bars out.

``handout_check`` measures each drug's PDF (pages, urgent first, type sizes, printable area, contrast,
reading grade, freshness); ``packet_check`` a packet's own figures on top of those.
"""
