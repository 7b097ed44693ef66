from django.tasks import task

from radiology_guide.enquiries import notifications


@task
def notify_enquiry(enquiry_id: int):
    return notifications.notify(enquiry_id)
