class ImportFileError(Exception):
    """The file as a whole cannot be imported (not a spreadsheet, empty, too large, a required
    column missing …). The message is in Chinese and meant for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)
