"""The app starts, serves its login page and health check, and signs people in."""


def test_login_page_is_served_in_chinese_by_default(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert 'lang="zh-CN"' in response.get_data(as_text=True)


def test_health_check_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_a_coordinator_signs_in_and_sees_the_overview(client, auth):
    auth.login("coordinator", county="610924")
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Overview" in html and "紫阳县" in html  # the overview of the coordinator's own county
    assert "Enrollments by status" in html and "Sessions in the coming week" in html
