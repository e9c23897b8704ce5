# What the hub's single-user image adds to Binder's environment; jupyter-repo2docker puts it
# at the end of the Dockerfile it makes from this repository (deploy/README.md):
#   jupyter-repo2docker --no-run --user-id 1000 --user-name jovyan --image-name IMAGE:TAG \
#       --appendix "$(cat deploy/hub/appendix.Dockerfile)" [--build-arg ONEBYONE_INSTRUCTOR=1] .
# Binder's own image (binder/) stays as it is: none of this is in it.
ARG ONEBYONE_INSTRUCTOR=""
# nbgitpuller's git-pull, nbgrader's assignment list, the hub's single-user server
RUN ${NB_PYTHON_PREFIX}/bin/pip install --no-cache-dir -r ${REPO_DIR}/deploy/hub/requirements.txt
# students hand in and get feedback through nbgrader; only the instructor's image grades
RUN if [ -z "${ONEBYONE_INSTRUCTOR}" ]; then \
        ${NB_PYTHON_PREFIX}/bin/jupyter server extension disable --sys-prefix nbgrader.server_extensions.formgrader && \
        ${NB_PYTHON_PREFIX}/bin/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader:formgrader @jupyter/nbgrader:create-assignment ; \
    fi
# every user's nbgrader settings (the course, the exchange, ~/onebyone), and idle kernels
# shut down
RUN mkdir -p ${NB_PYTHON_PREFIX}/etc/jupyter && \
    cp ${REPO_DIR}/deploy/hub/nbgrader_config.py ${REPO_DIR}/deploy/hub/jupyter_server_config.py \
       ${NB_PYTHON_PREFIX}/etc/jupyter/
