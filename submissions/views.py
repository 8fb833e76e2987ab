from django.http import HttpResponse


def apply(request, procedure_id):
    return HttpResponse("apply")


def lookup(request):
    return HttpResponse("lookup")
