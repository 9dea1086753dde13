"""PDF: HTML in, a laid-out, measured, one-page tagged PDF out. The only package that imports WeasyPrint.

``render`` fences WeasyPrint in (no network, no file outside the workspace, warnings collected);
``fit`` lays a handout out, measures it and cuts or shrinks until it fills exactly one page (by the
drug's cut policy, ``rules.cuts``, as plain data); ``combined_fit`` fits a packet's combined page;
``boxes`` reads the layout's boxes (WeasyPrint internals) for both;
``readback`` reads a built PDF as a checker or a screen reader would.
"""
