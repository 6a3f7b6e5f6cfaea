"""Signing in and out with a token, and who am I."""

from django.contrib.auth.signals import user_logged_in
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from knox.views import LogoutAllView as KnoxLogoutAllView
from knox.views import LogoutView as KnoxLogoutView
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .auth import RoleAwareTokenAuthentication, token_ttl_for
from .schema import ErrorOutput
from .serializers import LoginInput, LoginOutput, MeOutput
from .throttles import LoginPerAccountThrottle, LoginPerIPThrottle


class LoginView(APIView):
    """Exchange e-mail and password for a token (one per device, stored hashed).

    Staff whose clinic asks for a second factor, or who have set one up, also send
    ``otp_code``: the code from their authenticator app, or a recovery code."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginPerIPThrottle, LoginPerAccountThrottle]

    @extend_schema(
        request=LoginInput,
        responses={
            200: LoginOutput,
            400: OpenApiResponse(
                ErrorOutput,
                description=(
                    "Wrong e-mail or password; or, for staff who sign in with a second factor, "
                    "`otp_code` missing, wrong, or not set up yet (set it up on the web first)"
                ),
            ),
            429: OpenApiResponse(
                ErrorOutput,
                description="Too many attempts from this address, or for this account (paused)",
            ),
        },
        auth=[],
    )
    def post(self, request):
        data = LoginInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        user = data.validated_data["user"]
        # Expired tokens are of no use to anyone; drop them while we are here.
        AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
        instance, token = AuthToken.objects.create(user=user, expiry=token_ttl_for(user))
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        body = {
            "token": token,
            "expiry": instance.expiry,
            "user": {"id": user.pk, "role": user.role},
        }
        return Response(LoginOutput(body).data)


class LogoutView(KnoxLogoutView):
    """Revoke the token this request carries."""

    authentication_classes = [RoleAwareTokenAuthentication]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format)


class LogoutAllView(KnoxLogoutAllView):
    """Revoke every token of this account, on every device."""

    authentication_classes = [RoleAwareTokenAuthentication]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format)


@extend_schema(responses=MeOutput)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def me(request):
    """Who I am: role, clinic, and for a client their record and therapist."""
    return Response(MeOutput(request.user).data)
