from radiology_guide.core.models import ClinicDetails


def clinic(request):
    return {"clinic": ClinicDetails.load()}
