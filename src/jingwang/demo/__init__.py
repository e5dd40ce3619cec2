"""The demo: a fresh data folder with demo data, served by the normal stack, and the sample
mobile web it probes (:mod:`.sampleweb`, with its DNS server and test CA).

``jingwang demo`` grows with every capability: each adds its demo data in :mod:`.seed`. Import
what you need from the submodules (``jingwang.demo.seed``, ``jingwang.demo.datadir``): importing
this package loads nothing, so the sample web's server process starts without the whole stack.
"""
