"""Class: a teacher asks the room a question and sees the answers arrive; students join
with a code on their own laptops or phones."""

from pathlib import Path

import streamlit as st

from convviz.serve.class_store import StoreUnavailable
from convviz.ui import class_keeper, class_student, class_teacher, class_worksheet
from convviz.ui import class_session as cs
from convviz.ui.boot import ensure_app
from convviz.ui.nav import PAGES
from convviz.ui.progress_view import PRACTICE

ensure_app()

st.html(Path(__file__).parents[1] / "assets" / "classroom.css")  # style only: no space
st.title("Class")
with st.container(key="class-page"):  # the rules of assets/classroom.css apply inside
    try:
        cs.store()
    except StoreUnavailable:
        pass  # not reachable right now: each part below says so where it needs the store
    except (ValueError, OSError) as exc:  # CONVVIZ_CLASS_STORE names no store we can open
        st.error(f"The class store cannot be opened: {exc}")
        st.stop()

    restored = class_keeper.keep_teacher(announce=False)  # a reload teaches the class again
    cs.said("page")
    if restored is not None:
        st.info(class_keeper.welcome_text(restored.code), icon=":material/co_present:")
    handle, me, code = cs.teaching(), cs.student(), class_student.code_from_url()
    if handle is not None:
        class_teacher.teacher_view(handle)
        st.header("Worksheet to print")
        class_worksheet.worksheet_section()
    elif me is not None:
        class_student.student_view(me)
    elif code is not None:
        class_student.join_form(code)
    else:  # shown once the keeper has answered (a reload may be about to teach on)
        class_keeper.waiting_note()
        with st.container(key=class_keeper.LANDING):
            st.markdown(
                "Ask the whole room a question and watch the answers arrive. The teacher "
                "starts a class here and shows its code; each student opens this page on a "
                "laptop or phone, types the code and a nickname, and answers. Nothing but the "
                "nickname is kept, and everything of a class is deleted when it ends or "
                "expires.")
            teach_col, join_col = st.columns(2, gap="large")
            with teach_col:
                st.subheader("Teach")
                st.markdown("Start a class: you get a code, a link and a QR code to show the "
                            "room.")
                class_teacher.start_button()
            with join_col:
                st.subheader("Join")
                class_student.code_box()

    if me is None:  # the teacher, or someone about to start a class
        st.divider()
        st.markdown("**Ask about a lesson page.** Every arithmetic page has a *Predict first* "
                    "switch; while you teach a class, its question has a *Send to the class* "
                    "button, and the answers arrive here.")
        for info in PAGES:
            if info.path in PRACTICE.values():
                st.page_link(info.path, label=info.title, icon=info.icon)
