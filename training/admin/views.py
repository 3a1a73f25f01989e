"""Admin: the accounts list, creating and editing accounts, password resets."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from training import navigation
from training.admin import services
from training.admin.forms import PasswordResetForm, UserCreateForm, UserEditForm, UserFilterForm
from training.exceptions import DomainError
from training.extensions import db
from training.models import County, Role, User
from training.permissions import roles_required
from training.search import contains

bp = Blueprint("admin", __name__, url_prefix="/admin")
navigation.add([Role.ADMIN], "admin.users", _l("Accounts"), order=90)


def _counties():
    return db.session.scalars(select(County).order_by(County.code)).all()


@bp.get("/users")
@roles_required(Role.ADMIN)
def users():
    filters = UserFilterForm(request.args)
    query = select(User).order_by(User.role, User.username)
    if filters.q.data:
        query = query.where(contains(User.username, filters.q.data) | contains(User.display_name, filters.q.data))
    if filters.role.data:
        query = query.where(User.role == filters.role.data)
    page = db.paginate(query, per_page=50)
    return render_template("admin/users.html", page=page, filters=filters)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def create_user():
    form = UserCreateForm()
    form.set_county_choices(_counties())
    if form.validate_on_submit():
        assert form.username.data is not None and form.password.data is not None  # DataRequired
        try:
            user = services.create_user(
                form.username.data,
                form.password.data,
                form.role.data,
                form.county_code.data,
                form.display_name.data or "",
            )
        except DomainError as refusal:
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("Account %(name)s created.", name=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    form.set_county_choices(_counties())
    if form.validate_on_submit():
        try:
            services.update_user(
                user,
                display_name=form.display_name.data or "",
                role=form.role.data,
                county_code=form.county_code.data,
                active=form.active.data,
            )
        except DomainError as refusal:
            db.session.rollback()
            form.form_errors.append(str(refusal))
        else:
            db.session.commit()
            flash(_("Account %(name)s saved.", name=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, reset_form=PasswordResetForm())


@bp.post("/users/<int:user_id>/password")
@roles_required(Role.ADMIN)
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        assert form.password.data is not None  # DataRequired
        try:
            services.reset_password(user, form.password.data)
        except DomainError as refusal:
            flash(str(refusal), "danger")
        else:
            db.session.commit()
            flash(
                _("The password of %(name)s was reset; the account was signed out everywhere.", name=user.username),
                "success",
            )
    return redirect(url_for("admin.edit_user", user_id=user.id))
