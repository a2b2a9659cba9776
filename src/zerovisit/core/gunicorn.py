"""gunicorn's logs mask personal data as ours do: an access log line holds the query string, which may carry an ID
number (`?holder_code=…`). Run gunicorn with `--logger-class zerovisit.core.gunicorn.Logger`."""

from gunicorn.glogging import Logger as GunicornLogger

from .logs import MaskPersonalData


class Logger(GunicornLogger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, MaskPersonalData) for f in handler.filters):
                    handler.addFilter(MaskPersonalData())
