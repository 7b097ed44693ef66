from django.tasks import task

from radiology_guide.staff import digest


@task
def send_overdue_digest():
    return digest.send_overdue_digest()
