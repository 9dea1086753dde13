"""The page: a drug record and a brand in, the HTML of one handout out.

``content.plan`` turns the record into plain data for the templates (tiers in order, overlaps told
once, cuts applied); ``templating`` fills the brand's or the built-in Jinja2 templates inside the
``sandbox``; ``combined`` plans a packet's "When to call us right away" page; ``qr`` the QR code.
Nothing here lays text out or imports WeasyPrint: that is ``handouts.pdf``.
"""
