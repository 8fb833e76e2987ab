"""Starting list of synonyms and abbreviations; staff edit them in the admin afterwards."""

from django.db import migrations

SEED = [
    ("CCCD, căn cước công dân, thẻ căn cước, căn cước", "Citizen identity card"),
    ("CMND, chứng minh nhân dân, chứng minh thư", "Old identity card"),
    ("GPLX, giấy phép lái xe, bằng lái xe, bằng lái", "Driving licence"),
    ("sổ đỏ, sổ hồng, giấy chứng nhận quyền sử dụng đất", "Land-use right certificate"),
    ("GCNQSDĐ, giấy chứng nhận quyền sử dụng đất", "Land-use right certificate, abbreviation"),
    ("GPLĐ, giấy phép lao động", "Work permit"),
    ("UBND, ủy ban nhân dân", "People's Committee"),
    ("HĐND, hội đồng nhân dân", "People's Council"),
    ("TTHC, thủ tục hành chính", "Administrative procedure"),
    ("HTX, hợp tác xã", "Cooperative"),
    ("BHXH, bảo hiểm xã hội", "Social insurance"),
    ("BHYT, bảo hiểm y tế", "Health insurance"),
    ("ATTP, an toàn thực phẩm, vệ sinh an toàn thực phẩm", "Food safety"),
    ("ĐKKD, đăng ký kinh doanh", "Business registration"),
    ("LĐTBXH, lao động thương binh và xã hội", "Former labour, invalids and social affairs sector"),
    ("PCTT, phòng chống thiên tai, phòng, chống thiên tai", "Disaster prevention"),
    ("khai tử, báo tử, chứng tử", "Death registration"),
    ("kết hôn, đăng ký cưới, giấy đăng ký kết hôn, giấy kết hôn", "Marriage registration"),
    ("xác nhận tình trạng hôn nhân, giấy xác nhận độc thân, xác nhận độc thân", "Marital status certificate"),
    ("nhà trẻ, mẫu giáo, mầm non", "Pre-school"),
    ("trường cấp 1, trường tiểu học", "Primary school"),
    ("trường cấp 2, trường trung học cơ sở, trường THCS", "Lower secondary school"),
    ("THCS, trung học cơ sở", "Lower secondary, abbreviation"),
    ("liệt sĩ, liệt sỹ", "Martyr, both spellings"),
    ("người nước ngoài, nước ngoài, ngoại quốc", "Foreigners"),
]


def seed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    for terms, note in SEED:
        Synonym.objects.get_or_create(terms=terms, defaults={"note": note})


def unseed(apps, schema_editor):
    Synonym = apps.get_model("search", "Synonym")
    Synonym.objects.filter(terms__in=[terms for terms, _ in SEED]).delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_postgresql_indexes")]

    operations = [migrations.RunPython(seed, unseed)]
