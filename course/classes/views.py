"""Teachers manage their classes: join code, students, co-teachers, archive, password resets."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from ..accounts import rules as accounts
from ..accounts.forms import normalise_username
from ..core.access import role_required
from ..core.extensions import db
from ..core.forms import ActionForm, name_field
from ..models import ClassTeacher, Enrolment, SchoolClass, User
from . import co_teachers, membership
from .school_year import current_school_year
from .scopes import class_for_teacher_or_404, classes_taught_by, is_owner, student_in_class_or_404

bp = Blueprint("classes", __name__, url_prefix="/teacher/classes")


FIRST_SCHOOL_YEAR, LAST_SCHOOL_YEAR = 2000, 2099


class ClassForm(FlaskForm):
    name = name_field("Naam van de klas", "Geef de klas een naam, bijvoorbeeld MV2A.")
    school_year = StringField(
        "Schooljaar",
        filters=[lambda v: (v or "").strip()],
        validators=[
            DataRequired("Vul het schooljaar in."),
            # [0-9], not \d: \d also takes full-width and other scripts' digits
            Regexp(r"^[0-9]{4}-[0-9]{4}$", message="Schrijf het schooljaar als 2026-2027."),
        ],
    )

    def validate_school_year(self, field: StringField) -> None:
        if field.errors:
            return
        start, end = (int(part) for part in field.data.split("-"))
        if not FIRST_SCHOOL_YEAR <= start <= LAST_SCHOOL_YEAR:
            raise ValidationError(
                f"Kies een schooljaar tussen {FIRST_SCHOOL_YEAR} en {LAST_SCHOOL_YEAR}, zoals 2026-2027."
            )
        if end != start + 1:
            raise ValidationError("Het tweede jaar moet één hoger zijn dan het eerste, zoals 2026-2027.")


class CoTeacherForm(FlaskForm):
    username = StringField(
        "Gebruikersnaam van de collega",
        filters=[normalise_username],
        validators=[
            DataRequired("Vul de gebruikersnaam van je collega in."),
            Length(max=40, message="Een gebruikersnaam heeft hoogstens 40 tekens."),
        ],
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
        description="Je collega krijgt een uitnodiging en beslist zelf of die meedoet.",
    )


@bp.get("/")
@role_required("teacher", "admin")
def index() -> str:
    form = ClassForm(school_year=current_school_year())
    return _render_index(form)


def _render_index(form: ClassForm) -> str:
    counts = (
        select(Enrolment.class_id, func.count(Enrolment.id).label("students")).group_by(Enrolment.class_id).subquery()
    )
    rows = db.session.execute(
        classes_taught_by(current_user)
        .add_columns(func.coalesce(counts.c.students, 0))
        .outerjoin(counts, counts.c.class_id == SchoolClass.id)
        .order_by(SchoolClass.archived_at.is_not(None), SchoolClass.school_year.desc(), SchoolClass.name)
    ).all()
    return render_template(
        "classes/index.html", rows=rows, form=form, invitations=co_teachers.received_by(current_user),
        action=ActionForm(),
    )


@bp.post("/")
@role_required("teacher", "admin")
def create() -> str | Response:
    form = ClassForm()
    if not form.validate_on_submit():
        return _render_index(form)
    school_class = accounts.create_class(current_user.account(), form.name.data, form.school_year.data)
    flash(f"Klas {school_class.name} is aangemaakt. Geef je studenten de klascode.", "success")
    return redirect(url_for("classes.detail", class_id=school_class.id))


@bp.get("/<id:class_id>")
@role_required("teacher", "admin")
def detail(class_id: int) -> str:
    school_class = class_for_teacher_or_404(current_user, class_id)
    return _render_detail(school_class, CoTeacherForm())


def _render_detail(school_class: SchoolClass, co_form: CoTeacherForm) -> str:
    teachers = db.session.execute(
        select(User, ClassTeacher.is_owner)
        .join(ClassTeacher, ClassTeacher.teacher_id == User.id)
        .where(ClassTeacher.class_id == school_class.id)
        .order_by(ClassTeacher.is_owner.desc(), User.display_name)
    ).all()
    return render_template(
        "classes/detail.html",
        school_class=school_class,
        teachers=teachers,
        co_form=co_form,
        action=ActionForm(),
        owner=is_owner(current_user, school_class),
        invitations=co_teachers.sent_for(school_class.id),
        moves=membership.moves_from(school_class.id),
    )


@bp.post("/<id:class_id>/archive")
@role_required("teacher", "admin")
def archive(class_id: int) -> Response:
    school_class = class_for_teacher_or_404(current_user, class_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    accounts.archive_class(school_class, archived=not school_class.is_archived)
    if school_class.is_archived:
        flash(
            f"Klas {school_class.name} is gearchiveerd. Studenten kunnen niet meer met de code aanmelden.", "success"
        )
    else:
        flash(f"Klas {school_class.name} is weer actief.", "success")
    return redirect(url_for("classes.detail", class_id=class_id))


@bp.post("/<id:class_id>/join-code")
@role_required("teacher", "admin")
def new_code(class_id: int) -> Response:
    school_class = class_for_teacher_or_404(current_user, class_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    accounts.renew_join_code(school_class)
    flash("De klas heeft een nieuwe code. De oude code werkt niet meer.", "success")
    return redirect(url_for("classes.detail", class_id=class_id))


@bp.post("/<id:class_id>/co-teachers")
@role_required("teacher", "admin")
def add_co_teacher(class_id: int) -> str | Response:
    school_class = class_for_teacher_or_404(current_user, class_id)
    form = CoTeacherForm()
    if form.validate_on_submit():
        co_teachers.invite(school_class, form.username.data, current_user)
        # The same words whether or not a teacher has this username: the form reveals no accounts.
        flash(
            f"Uitnodiging klaar voor {form.username.data}. Heeft die collega een docentaccount, dan staat de "
            "uitnodiging bij Mijn klassen. Na accepteren staat de collega hieronder bij de docenten.",
            "success",
        )
        return redirect(url_for("classes.detail", class_id=class_id))
    return _render_detail(school_class, form)


@bp.post("/<id:class_id>/invitations/<id:invitation_id>/withdraw")
@role_required("teacher", "admin")
def withdraw_invitation(class_id: int, invitation_id: int) -> Response:
    class_for_teacher_or_404(current_user, class_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not co_teachers.withdraw(class_id, invitation_id):
        abort(404)
    flash("De uitnodiging is ingetrokken.", "success")
    return redirect(url_for("classes.detail", class_id=class_id))


@bp.post("/invitations/<id:invitation_id>/<any(accept, decline):answer>")
@role_required("teacher")
def answer_invitation(invitation_id: int, answer: str) -> Response:
    invitation = co_teachers.received_or_none(current_user, invitation_id)
    if invitation is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    if answer == "accept":
        school_class = co_teachers.accept(invitation, current_user.account())
        flash(f"Je bent nu ook docent van {school_class.name}.", "success")
        return redirect(url_for("classes.detail", class_id=school_class.id))
    co_teachers.decline(invitation, current_user)
    flash("Je hebt de uitnodiging afgewezen.", "success")
    return redirect(url_for("classes.index"))


@bp.post("/<id:class_id>/moves/<id:move_id>/<any(approve, decline):decision>")
@role_required("teacher", "admin")
def decide_move(class_id: int, move_id: int, decision: str) -> Response:
    """A student of this class asked to move to another class: a teacher of this class decides."""
    school_class = class_for_teacher_or_404(current_user, class_id)
    move = membership.move_from(school_class.id, move_id)
    if move is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    name, target = move.student.display_name, move.to_class.name
    membership.decide(move, decision == "approve", current_user)
    if decision == "approve":
        flash(f"{name} zit nu in {target} en niet meer in {school_class.name}.", "success")
    else:
        flash(f"{name} blijft in {school_class.name}.", "success")
    return redirect(url_for("classes.detail", class_id=class_id))


@bp.post("/<id:class_id>/co-teachers/<id:teacher_id>/remove")
@role_required("teacher", "admin")
def remove_co_teacher(class_id: int, teacher_id: int) -> Response:
    school_class = class_for_teacher_or_404(current_user, class_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not is_owner(current_user, school_class):
        abort(403)
    link = db.session.scalar(
        select(ClassTeacher).where(
            ClassTeacher.class_id == class_id, ClassTeacher.teacher_id == teacher_id, ClassTeacher.is_owner.is_(False)
        )
    )
    if link is None:
        abort(404)
    db.session.delete(link)
    db.session.commit()
    flash("De collega is geen docent van deze klas meer.", "success")
    return redirect(url_for("classes.detail", class_id=class_id))


# -- one student's account: each action asks first on a page of its own (works without script) ---


def _student_of_class(class_id: int, student_id: int) -> tuple[SchoolClass, User]:
    school_class = class_for_teacher_or_404(current_user, class_id)
    return school_class, student_in_class_or_404(school_class, student_id)


def _student_page(school_class: SchoolClass, student: User) -> Response:
    return redirect(url_for("gradebook.student", class_id=school_class.id, student_id=student.id))


def _delete_refusal(student: User) -> str | None:
    """Deleting cannot be undone, so a teacher may only delete a student who is in no class but
    the teacher's own (owned, not co-taught); otherwise the owner or the administrator decides."""
    if current_user.is_admin:
        return None
    if not accounts.only_in_classes_of(student, current_user):
        return (
            f"{student.display_name} zit ook in een klas van een collega. "
            "Vraag de beheerder om het account te verwijderen."
        )
    if not accounts.only_in_classes_of(student, current_user, owned=True):
        return (
            "Alleen de eigenaar van de klas kan een account verwijderen. "
            "Vraag de eigenaar of de beheerder om het te doen."
        )
    return None


def _reset_refusal(school_class: SchoolClass, student: User) -> str | None:
    """Whoever resets a password can sign in as the student: only their current class may."""
    if current_user.is_admin or membership.active_class_id(student.id) == school_class.id:
        return None
    return (
        f"{student.display_name} zit nu in een andere klas. Alleen een docent van die klas of de "
        "beheerder kan het wachtwoord opnieuw instellen."
    )


def _confirm(school_class: SchoolClass, student: User, action: str, refused: str | None) -> str:
    return render_template(
        "classes/confirm_student.html",
        school_class=school_class,
        student=student,
        action=action,
        refused=refused,
        form=ActionForm(),
        post_url=url_for(f"classes.{action}", class_id=school_class.id, student_id=student.id),
    )


@bp.get("/<id:class_id>/students/<id:student_id>/remove")
@role_required("teacher", "admin")
def confirm_remove_student(class_id: int, student_id: int) -> str:
    school_class, student = _student_of_class(class_id, student_id)
    return _confirm(school_class, student, "remove_student", None)


@bp.post("/<id:class_id>/students/<id:student_id>/remove")
@role_required("teacher", "admin")
def remove_student(class_id: int, student_id: int) -> Response:
    school_class, student = _student_of_class(class_id, student_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    accounts.remove_from_class(school_class, student, current_user)
    flash(
        f"{student.display_name} zit niet meer in {school_class.name}. Het account en het werk blijven bewaard.",
        "success",
    )
    return redirect(url_for("classes.detail", class_id=class_id))


@bp.get("/<id:class_id>/students/<id:student_id>/delete")
@role_required("teacher", "admin")
def confirm_delete_student(class_id: int, student_id: int) -> str:
    school_class, student = _student_of_class(class_id, student_id)
    return _confirm(school_class, student, "delete_student", _delete_refusal(student))


@bp.post("/<id:class_id>/students/<id:student_id>/delete")
@role_required("teacher", "admin")
def delete_student(class_id: int, student_id: int) -> Response:
    """Remove a student and all their work (AVG art. 17)."""
    from ..privacy.personal_data import delete_user

    school_class, student = _student_of_class(class_id, student_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    refused = _delete_refusal(student)
    if refused:
        flash(refused, "error")
        return _student_page(school_class, student)
    name = student.display_name
    delete_user(student, current_user)
    flash(f"Het account van {name} en al het werk zijn verwijderd.", "success")
    return redirect(url_for("classes.detail", class_id=class_id))


@bp.get("/<id:class_id>/students/<id:student_id>/reset-password")
@role_required("teacher", "admin")
def confirm_reset_password(class_id: int, student_id: int) -> str:
    school_class, student = _student_of_class(class_id, student_id)
    return _confirm(school_class, student, "reset_password", _reset_refusal(school_class, student))


@bp.post("/<id:class_id>/students/<id:student_id>/reset-password")
@role_required("teacher", "admin")
def reset_password(class_id: int, student_id: int) -> str | Response:
    school_class, student = _student_of_class(class_id, student_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    refused = _reset_refusal(school_class, student)
    if refused:
        flash(refused, "error")
        return _student_page(school_class, student)
    password = accounts.reset_password(student, current_user)
    return render_template("classes/new_password.html", school_class=school_class, student=student, password=password)
