"""The intake's pages: the questionnaire, the client's result, the therapist's review."""
