"""The browser viewer (`deepmotion-client view`): server.py serves static/ and bridges to gRPC."""
