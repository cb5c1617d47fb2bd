"""Sanctions actions around the lists: the actions list versions show, those read from documents
and those entered by hand (announced, on hold, withdrawn), in one timeline."""
