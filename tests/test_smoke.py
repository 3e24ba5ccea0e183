def test_fixture_county_builds(people, personas, login):
    client = login(personas.chengguan_admin)
    response = client.get("/people/")
    assert response.status_code == 200
    assert "张三" in response.content.decode()
    assert "李四" not in response.content.decode()
