# A build-time tool of cognitive_models/make_lists.py, installed by hand (see its docstring):
# it reads only the package's location (its data files), no names.
