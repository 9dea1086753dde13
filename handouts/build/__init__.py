"""Build: a workspace's drugs and the build options in, PDFs on disk (or on paper) out.

``runner`` builds each drug in worker processes, one result per drug, skipping unchanged inputs
(fingerprints and the manifest in ``cache``); ``packet`` joins handouts into a clinic packet;
``printing`` sends PDFs to CUPS; ``options`` is the one table of build options the command line and
the Python API share.

This package is also the API's ``build`` (``from handouts import build``): calling it calls
``runner.build``. Python binds ``handouts.build`` to this package whenever it is imported, so a
function of that name in ``handouts`` would not stay there; a callable package keeps
``import handouts.build.runner`` working too.
"""

import sys
import types


class _Package(types.ModuleType):
    def __call__(self, *args, **kwargs):
        """``runner.build(root, catalog, names, options, ...)``: one result per drug."""
        from .runner import build  # the runner and the page stages: only when something is built

        return build(*args, **kwargs)


sys.modules[__name__].__class__ = _Package
