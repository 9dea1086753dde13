"""The builder: a workspace's drugs and the build options in, PDFs on disk (or on paper) out.

``runner`` builds each drug in worker processes, one result per drug, skipping unchanged inputs
(fingerprints and the manifest in ``cache``); ``packet`` joins handouts into a clinic packet and
``patient`` makes a patient's own packet from their FHIR order (``filing`` files it back);
``printing`` sends PDFs to CUPS; ``options`` is the one table of build options the command line and
the Python API share. (``handouts.build``, the API's function, is ``runner.build``.)
"""
