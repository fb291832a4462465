"""All models, imported here so Base.metadata knows every table (migrations compare against it)."""

from .accounts import (
    ROLES,
    ClassMove,
    ClassTeacher,
    CoTeacherInvitation,
    Enrolment,
    ExternalIdentity,
    SchoolClass,
    SiteSetting,
    User,
    new_join_code,
)
from .assignments import PEER_STATES, PeerReview, PeerSetting, RubricScore, SubmissionImage, SupervisorShare
from .audit import AuditEvent, LoginFailure
from .base import Base, utcnow
from .learning import REVIEW_STATUSES, AssignmentDraft, LessonProgress, Review, Submission
from .live import LiveAnswer, LiveSession, LiveTotal
from .lti import (
    LtiContext,
    LtiDeployment,
    LtiHandoff,
    LtiLoginState,
    LtiMember,
    LtiPlatform,
    LtiRegistrationInvite,
    LtiResourceLink,
    LtiScore,
    LtiToolKey,
)
from .quizzing import AttemptItem, QuizAttempt, VoidedQuestion
from .teacher_track import Attendance, Cohort, CohortMember, TpackAnswer, TpackScan, new_invite_code

__all__ = [
    "SupervisorShare",
    "SubmissionImage",
    "RubricScore",
    "PeerSetting",
    "PeerReview",
    "PEER_STATES",
    "REVIEW_STATUSES",
    "ROLES",
    "AssignmentDraft",
    "AttemptItem",
    "Attendance",
    "AuditEvent",
    "Base",
    "ClassMove",
    "ClassTeacher",
    "CoTeacherInvitation",
    "Cohort",
    "CohortMember",
    "Enrolment",
    "ExternalIdentity",
    "LessonProgress",
    "LiveAnswer",
    "LiveSession",
    "LiveTotal",
    "LoginFailure",
    "LtiContext",
    "LtiDeployment",
    "LtiHandoff",
    "LtiLoginState",
    "LtiMember",
    "LtiPlatform",
    "LtiRegistrationInvite",
    "LtiResourceLink",
    "LtiScore",
    "LtiToolKey",
    "QuizAttempt",
    "Review",
    "SchoolClass",
    "SiteSetting",
    "Submission",
    "TpackAnswer",
    "TpackScan",
    "User",
    "VoidedQuestion",
    "new_invite_code",
    "new_join_code",
    "utcnow",
]
