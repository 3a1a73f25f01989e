"""Every Flask extension, created unbound; create_app() binds them."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from training.orm import Base

db = SQLAlchemy(model_class=Base)
if TYPE_CHECKING:
    # db.Model is made at run time from Base, and type checkers cannot follow that: they read
    # the models' base class as Base itself, whose typed columns it shares.
    Model = Base
else:
    Model = db.Model
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
