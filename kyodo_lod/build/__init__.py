"""Making a build: sources → records → graph → reasoned → validated → published (dist/).

Nothing outside this package imports it except the command line (``cli``) and ``serve``'s
build-when-missing; the web layer, the store and compare read only what a build published.
"""
