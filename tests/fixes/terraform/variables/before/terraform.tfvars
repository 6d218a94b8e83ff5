# The key type comes from here.
key_type = "EC"
