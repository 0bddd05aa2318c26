"""The course's messages in Korean, keyed by their English templates (``utils/settings/language.py``).
``tests/test_language.py`` lists the English templates still missing here and the entries no code uses.

A Korean template keeps the English one's ``{fields}`` with their format specs, and its commands, paths and names.
No particle that depends on a field's last sound (은/는, 이/가, 을/를) follows a field: such a value comes after a
colon or before 에, 의 or 입니다. The data tool's problem lines keep their first word ("missing:", "extra:", ...)
outside these templates: the tool sorts the lines by it."""

MESSAGES: dict[str, str] = {
    # utils/errors.py
    "the disk holding {folder} is full ({free} free): {needs}. Free some space there, or {elsewhere}.":
        "디스크가 가득 찼습니다({folder}, 남은 공간 {free}): {needs}. 그 디스크의 공간을 비우거나, {elsewhere}.",
    "too little": "부족",
    "{folder} is on a read-only disk: {elsewhere}.": "읽기 전용 디스크에 있는 폴더입니다: {folder}. {elsewhere}.",
    "permission denied: {folder}. Make it readable and writable for you (e.g. `chmod -R u+rwX '{folder}'`), or "
    "{elsewhere}.": (
        "권한이 없습니다: {folder}. 이 폴더를 읽고 쓸 수 있게 바꾸거나(예: `chmod -R u+rwX '{folder}'`), "
        "{elsewhere}."
    ),
    # utils/settings/
    "{var}={value!r} is not understood: use {var}=1 for smoke mode or leave it unset for the full course.": (
        "{var}={value!r}: 알 수 없는 값입니다. 스모크 모드로 실행하려면 {var}=1로 설정하고, 전체 코스를 "
        "실행하려면 설정하지 마세요."
    ),
    "{var}={value!r} is not understood: use {var}=ko for Korean or leave it unset for English.":
        "{var}={value!r}: 알 수 없는 값입니다. 한국어로 보려면 {var}=ko로 설정하고, 영어로 보려면 설정하지 마세요.",
    "{old} is now called {new}: honoured, but please rename it.":
        "{old}의 새 이름은 {new}입니다. 이번에는 예전 이름도 받아들이지만, 새 이름으로 바꾸세요.",
    "{var}={value!r} is not understood: use {new}=fp32 for the book's arithmetic or leave it unset (auto).": (
        "{var}={value!r}: 알 수 없는 값입니다. 책과 같은 연산을 쓰려면 {new}=fp32로 설정하고, 자동으로 "
        "고르게 하려면 설정하지 마세요(auto)."
    ),
    "{var}={value!r} is not understood: use a whole number of images, e.g. {var}=8 on a small machine, or "
    "leave it unset ({default}).": (
        "{var}={value!r}: 알 수 없는 값입니다. 이미지 수를 자연수로 쓰거나(예: 작은 컴퓨터라면 {var}=8), "
        "설정하지 마세요(기본값 {default})."
    ),
    "VGG16 weights: cached in {folder}": "VGG16 가중치: {folder}에 캐시됨",
    "VGG16 weights: not cached yet; the first notebook that needs them downloads 528 MiB.\n"
    "  Offline: random stand-in weights (smoke mode).": (
        "VGG16 가중치: 아직 캐시에 없습니다. 가중치가 필요한 첫 노트북이 528 MiB를 내려받습니다.\n"
        "  오프라인이면 무작위 대역 가중치를 씁니다(스모크 모드)."
    ),
    "VGG16 weights: not cached yet; the first notebook that needs them downloads 528 MiB.\n"
    "  Offline? `make weights` while online, or run `%env COURSE_SMOKE=1`\n"
    "  and this cell again (random stand-in weights).": (
        "VGG16 가중치: 아직 캐시에 없습니다. 가중치가 필요한 첫 노트북이 528 MiB를 내려받습니다.\n"
        "  오프라인인가요? 온라인일 때 `make weights`를 실행하거나, `%env COURSE_SMOKE=1`을\n"
        "  실행한 뒤 이 셀을 다시 실행하세요(무작위 대역 가중치)."
    ),
    "setup_notebook(lang={lang!r}): use one of {languages}.":
        "setup_notebook(lang={lang!r}): 다음 중 하나를 쓰세요: {languages}.",
    "Device: {device}{gpu}": "사용 장치: {device}{gpu}",
    "Data: {data}\n"
    "Saving to: {weights}": (
        "데이터: {data}\n"
        "저장 위치: {weights}"
    ),
    "Seed {seed}, batch size {batch_size}. {mode}": "시드 {seed}, 배치 크기 {batch_size}. {mode}",
    "Full mode: every picture, as in the book.": "전체 모드: 책처럼 모든 이미지를 씁니다.",
    "Smoke mode (COURSE_SMOKE=1): {n} pictures per class and phase;\n"
    "  random stand-in weights if the ImageNet ones are missing.": (
        "스모크 모드(COURSE_SMOKE=1): 클래스와 페이즈(학습·검증)마다 이미지 {n}장.\n"
        "  ImageNet 가중치가 없으면 무작위 대역 가중치를 씁니다."
    ),
    "Device {device!r} is not available here; available: {available}":
        "장치 {device!r}: 이 컴퓨터에는 없습니다. 쓸 수 있는 장치: {available}",
    "CPU threads: {capped} (the container's CPU quota is {quota:g}; torch counted {threads} cores)":
        "CPU 스레드: {capped}개 (컨테이너의 CPU 할당량 {quota:g}, torch가 센 코어 {threads}개)",
    "{name} + channels_last for inference": "{name} + 추론에 channels_last",
    "{name} + channels_last for training": "{name} + 학습에 channels_last",
    "Speed: {label} ({reason})": "고속화: {label} ({reason})",
    "Speed: {label} ({reason})\n"
    "  {var}=fp32 gives the book's plain fp32": (
        "고속화: {label} ({reason})\n"
        "  {var}=fp32로 설정하면 책과 같은 보통의 fp32로 계산합니다"
    ),
    "bf16 measured {speedup:.1f}x faster than fp32": "측정 결과 bf16이 fp32보다 {speedup:.1f}배 빠름",
    "no bf16": "bf16 없음",
    "channels_last {inference:.1f}x inference, {training:.1f}x training; {bf16}":
        "channels_last 추론 {inference:.1f}배, 학습 {training:.1f}배; {bf16}",
    "setting must be one of {speeds}, not {setting!r}":
        "setting은 {speeds} 중 하나여야 합니다. 받은 값: {setting!r}",
    "{var}=fp32: the book's arithmetic": "{var}=fp32: 책과 같은 연산",
    "this GPU supports bf16": "이 GPU는 bf16을 지원함",
    "no native bf16 on this GPU: fp16, scaled": "이 GPU는 bf16을 직접 지원하지 않음: fp16, 스케일링 사용",
    "Apple GPU: fp16 with a gradient scaler": "Apple GPU: fp16과 경사 스케일러",
    "no mixed precision rule for {kind}": "{kind}에 대한 혼합 정밀도 규칙 없음",
    # utils/datalib/
    "more space": "남은 공간 이상",
    "{name} needs {size} (`make purge` lists old weights and deletes them after asking)":
        "{name} 저장에 필요한 공간은 {size}입니다(`make purge`는 오래된 가중치를 보여 주고, 확인을 받은 뒤 지웁니다)",
    "set COURSE_OUTPUT_DIR to a writable folder on a disk with room (the notebooks save there)": (
        "COURSE_OUTPUT_DIR를 여유 공간이 있는 디스크의 쓰기 가능한 폴더로 설정하세요(노트북이 그곳에 "
        "저장합니다)"
    ),
    "{path}: the new file is identical to the earlier one, so no copy is kept.":
        "{path}: 새 파일이 이전 파일과 같으므로 사본을 남기지 않습니다.",
    "{path}: the earlier file is incomplete (an interrupted save), so no copy of it is kept.":
        "{path}: 이전 파일은 저장이 중단되어 불완전하므로 사본을 남기지 않습니다.",
    "\n"
    "  deleted the oldest copy {name}": (
        "\n"
        "  가장 오래된 사본 {name} 삭제"
    ),
    "Kept the earlier {name} as {backup} ({size}){deleted}.\n"
    "  At most {keep} earlier copies are kept (keep=N changes it); `make purge` deletes them\n"
    "  after asking. The folder now holds {total}: {folder}": (
        "이전 파일을 보관했습니다: {name} → {backup} ({size}){deleted}.\n"
        "  이전 사본은 최대 {keep}개까지 보관합니다(keep=N으로 바꿀 수 있음). `make purge`는 확인을 받은 뒤\n"
        "  사본을 지웁니다. 이 폴더의 크기는 이제 {total}입니다: {folder}"
    ),
    "{path} ({size}), the temporary file of an interrupted save: `make clean` or the next save there removes it": (
        "{path} ({size}): 저장이 중단되어 남은 임시 파일입니다. `make clean`을 실행하거나 그곳에 다시 저장하면 "
        "지워집니다"
    ),
    "removed {n} temporary file(s) of interrupted saves from {folder} ({names}; {size})":
        "저장이 중단되어 남은 임시 파일 {n}개를 지웠습니다: {folder} ({names}; {size})",
    "removed {n} folder(s) of interrupted fetches from {folder} ({names}; {size})":
        "가져오기가 중단되어 남은 폴더 {n}개를 지웠습니다: {folder} ({names}; {size})",
    "{path} is not a text file of '<sha256>  <name>' lines":
        "{path}: '<sha256>  <name>' 형식의 줄로 된 텍스트 파일이 아닙니다",
    "{path}:{lineno}: not a '<sha256>  <name>' line: {line!r}":
        "{path}:{lineno}: '<sha256>  <name>' 형식의 줄이 아닙니다: {line!r}",
    "set {var}=DIR to another folder (the notebooks and the data tool both read it)":
        "{var}=DIR로 다른 폴더를 지정하세요(노트북과 데이터 도구가 모두 이 변수를 읽습니다)",
    "mirror folder {root} does not exist, and {name} is needed from it. Check the path given to --mirror or "
    "{var}.": (
        "미러 폴더가 없습니다: {root}. 이 폴더에서 {name} 파일을 가져와야 합니다. --mirror나 {var}에 준 경로를 "
        "확인하세요."
    ),
    "{err}. The mirror's {sums} is damaged: copy the mirror again, or write it anew with `make mirror DIR=...`.": (
        "{err}. 미러의 {sums} 파일이 손상되었습니다. 미러를 다시 복사하거나 `make mirror DIR=...`로 새로 "
        "만드세요."
    ),
    "mirror file {path} does not match its {sums} entry: the mirror copy is damaged. Copy the mirror again "
    "from its source.": (
        "미러 파일이 {sums}의 항목과 맞지 않습니다: {path}. 미러 사본이 손상되었습니다. 원본에서 미러를 다시 "
        "복사하세요."
    ),
    "cannot export: {n} problem(s), e.g. {first}. Run `{fix}` first.":
        "내보낼 수 없습니다: 문제 {n}개(예: {first}). 먼저 다음을 실행하세요: `{fix}`.",
    "{name}: packed from {folder}": "{name}: {folder}의 파일을 압축해 만듦",
    "copy {name}": "{name} 복사",
    "{name}: copied from {folder}": "{name}: {folder}에서 복사함",
    "{name}: not cached here, left out (run with --weights online to include it)":
        "{name}: 이 컴퓨터의 캐시에 없어 뺐습니다(넣으려면 온라인에서 --weights와 함께 실행하세요)",
    "{sums}: written for {n} files": "{sums}: 파일 {n}개에 대해 작성함",
    "The archive was refused before anything was extracted; get a clean copy of {label}.":
        "압축을 풀기 전에 아카이브를 거부했습니다. 손상되지 않은 {label} 사본을 구하세요.",
    "{label} contains the entry '{entry}', which would be written outside the target folder. {refused}":
        "{label}에 대상 폴더 밖에 쓰일 항목이 있습니다: '{entry}'. {refused}",
    "{label} contains the symbolic link '{entry}'. {refused}":
        "{label}에 심볼릭 링크가 들어 있습니다: '{entry}'. {refused}",
    "{label} holds far more than the data set (at '{entry}': {entry_mb} MB, {total_mb} MB and {count} files so "
    "far; the data set is 47 MB). {refused}": (
        "{label}에 데이터셋보다 훨씬 많은 내용이 들어 있습니다('{entry}'에서 {entry_mb} MB, 지금까지 "
        "{total_mb} MB, 파일 {count}개. 데이터셋은 47 MB입니다). {refused}"
    ),
    "{label} is not a readable zip ({err}): a truncated or corrupted download or mirror copy. Nothing was "
    "kept; fetch it again.": (
        "{label}: 읽을 수 있는 zip 파일이 아닙니다({err}). 내려받은 파일이나 미러 사본이 잘렸거나 "
        "손상되었습니다. 아무것도 남기지 않았으니 다시 가져오세요."
    ),
    "{label} has '{clash}' both as a file and as a folder. Nothing was kept; get a clean copy of {label}.": (
        "{label}에 같은 이름의 파일과 폴더가 함께 있습니다: '{clash}'. 아무것도 남기지 않았습니다. 손상되지 "
        "않은 {label} 사본을 구하세요."
    ),
    "{what} needs about {mb} MB there": "{what}에는 약 {mb} MB가 필요합니다",
    "copied from mirror {root}": "미러 {root}에서 복사함",
    "The mirror {root} has no {name}: add it there (`make mirror DIR=...` on a machine that has the data)": (
        "미러 {root}에 {name} 파일이 없습니다. 그곳에 추가하세요(데이터가 있는 컴퓨터에서 `make mirror "
        "DIR=...`)"
    ),
    "Offline? Use a course mirror: --mirror DIR or {var}=DIR":
        "오프라인인가요? 코스 미러를 쓰세요: --mirror DIR 또는 {var}=DIR",
    "could not download {url} ({why}). {fix}.": "{url}에서 내려받지 못했습니다({why}). {fix}.",
    "{url} gave a corrupted or different file: {err}. Nothing was kept; try again.":
        "{url}에서 받은 파일이 손상되었거나 다른 파일입니다: {err}. 아무것도 남기지 않았으니 다시 시도하세요.",
    "downloaded from {url}": "{url}에서 내려받음",
    "{origin} has sha256 {digest}..., not {expected}...: a corrupted or different file. Nothing was kept; fix "
    "the mirror copy or download again.": (
        "{origin}의 sha256이 다릅니다({digest}..., 기대한 값 {expected}...). 손상되었거나 다른 "
        "파일입니다. 아무것도 남기지 않았습니다. 미러 사본을 고치거나 다시 내려받으세요."
    ),
    "{name}: present and verified, nothing to do": "{name}: 이미 있고 확인됨, 할 일 없음",
    "{name}: {how}, sha256 verified": "{name}: {how}, sha256 확인됨",
    "{name}/: present and verified ({n} files), nothing to do": "{name}/: 이미 있고 확인됨(파일 {n}개), 할 일 없음",
    "the data set ({n} file(s) to fetch)": "데이터셋(가져올 파일 {n}개)",
    "note: {name} from {url} differs from the known official bytes; checking its content file by file instead.": (
        "참고: {url}에서 받은 {name} 파일이 알려진 공식 파일과 바이트 단위로 다릅니다. 대신 내용을 파일별로 "
        "확인합니다."
    ),
    "{origin} holds no train/ and val/ folders: it is not the ants-and-bees data set. Replace the mirror copy.":
        "{origin}에 train/과 val/ 폴더가 없습니다. 개미와 벌 데이터셋이 아닙니다. 미러 사본을 바꾸세요.",
    "{origin} does not hold the expected data set: {n} file(s) missing or changed, e.g. {first}. Nothing was "
    "changed in {folder}; replace the mirror copy or download again.": (
        "{origin}에 기대한 데이터셋이 없습니다. 파일 {n}개가 없거나 바뀌었습니다(예: {first}). {folder}에서는 "
        "아무것도 바꾸지 않았습니다. 미러 사본을 바꾸거나 다시 내려받으세요."
    ),
    "{name}/: {how}; {n} file(s) put in place, all {total} verified":
        "{name}/: {how}. 파일 {n}개를 제자리에 둠, {total}개 모두 확인됨",
    "{name}: present in {folder} and genuine, nothing to do": "{name}: {folder}에 이미 있고 진본임, 할 일 없음",
    "set TORCH_HOME to a folder on a disk with room": "TORCH_HOME을 여유 공간이 있는 디스크의 폴더로 설정하세요",
    "{name}: {how} into {folder}, replacing a damaged copy, genuine":
        "{name}: {how}, 저장 위치 {folder}, 손상된 사본을 교체함, 진본 확인됨",
    "{name}: {how} into {folder}, genuine": "{name}: {how}, 저장 위치 {folder}, 진본 확인됨",
    "{path} (the whole data set)": "{path} (데이터셋 전체)",
    " (sha256 differs from the manifest)": " (sha256이 매니페스트와 다름)",
    " (not part of the data set; harmless, left alone)": " (데이터셋에 속하지 않음. 문제없으므로 그대로 둠)",
    "{path} (sha256 differs from the expected file)": "{path} (sha256이 기대한 파일과 다름)",
    "{path} (a temporary folder of an interrupted run)": "{path} (실행이 중단되어 남은 임시 폴더)",
    "{path} is not the ImageNet checkpoint (damaged)": "{path}: ImageNet 체크포인트가 아닙니다(손상됨)",
    # utils/prepare_data.py
    "set TORCH_HOME=DIR to move torch's hub cache": "TORCH_HOME=DIR로 torch의 허브 캐시를 옮기세요",
    "the data set needs about {data_mb} MB in {data_dir}, the weights about {weights_mb} MB in {hub}":
        "데이터셋은 {data_dir}에 약 {data_mb} MB, 가중치는 {hub}에 약 {weights_mb} MB가 필요합니다",
    "{where}: {why}. Check the disk and the path, then run again.":
        "{where}: {why}. 디스크와 경로를 확인한 뒤 다시 실행하세요.",
    "The course's data tool: fetch, verify and hand out the data and the VGG16 weights.":
        "코스의 데이터 도구: 데이터와 VGG16 가중치를 가져오고, 확인하고, 나눠 줍니다.",
    "The same through make: make data, make weights, make verify, make mirror DIR=/media/usb; offline: "
    "COURSE_DATA_MIRROR=/media/usb make lab.": (
        "make로도 같은 일을 합니다: make data, make weights, make verify, make mirror DIR=/media/usb. "
        "오프라인: COURSE_DATA_MIRROR=/media/usb make lab."
    ),
    "where the data goes (default: ${var}, where the notebooks look, else the repository's data/: {folder})":
        "데이터를 둘 곳(기본값: 노트북이 찾아보는 ${var}, 없으면 저장소의 data/: {folder})",
    "take missing files from this mirror folder (default: ${var}), e.g. a USB stick in an offline classroom":
        "없는 파일을 이 미러 폴더에서 가져옵니다(기본값: ${var}). 예: 오프라인 강의실의 USB 메모리",
    "also put the VGG16 ImageNet weights (528 MB) into the torch hub cache ($TORCH_HOME), replacing a damaged "
    "copy (done anyway when the mirror holds them)": (
        "VGG16 ImageNet 가중치(528 MB)도 torch 허브 캐시($TORCH_HOME)에 넣고, 손상된 사본은 교체합니다(미러에 "
        "가중치가 있으면 이 옵션이 없어도 넣습니다)"
    ),
    "fetch nothing: re-check every file on disk, name each problem and the command that fixes it, exit 1 if any": (
        "아무것도 가져오지 않고 디스크의 파일을 모두 다시 확인합니다. 문제마다 내용과 고치는 명령을 알려 주고, "
        "문제가 하나라도 있으면 종료 코드 1로 끝납니다"
    ),
    "write a mirror folder (data, cached weights, SHA256SUMS) to hand out":
        "나눠 줄 미러 폴더(데이터, 캐시된 가중치, SHA256SUMS)를 만듭니다",
    "{n} problem(s). Fix: `{fix}`.": "문제 {n}개. 해결 방법: `{fix}`.",
    "All course data in {folder} verified.": "{folder}의 코스 데이터를 모두 확인했습니다.",
    "{err}. Restore the file (git checkout -- utils/manifests) and run again.":
        "{err}. 파일을 복구한 뒤(git checkout -- utils/manifests) 다시 실행하세요.",
    "interrupted: nothing half-fetched was kept; run the same command again to go on.":
        "중단됨: 덜 가져온 파일은 남기지 않았습니다. 이어서 하려면 같은 명령을 다시 실행하세요.",
    "error: {line}": "오류: {line}",
    # utils/pretrained_vgg.py
    "delete it, then run {command}": "그 파일을 지운 뒤 {command} 명령을 실행하세요",
    "STAND-IN WEIGHTS: this VGG16 is RANDOMLY INITIALISED, not trained on ImageNet.\n"
    "Smoke mode uses it because the real weights are not available. Every\n"
    "prediction, loss and accuracy below is MEANINGLESS; the code paths are real.\n"
    "Real weights: {command}": (
        "대역 가중치(STAND-IN): 이 VGG16은 ImageNet으로 학습하지 않고 무작위로 초기화했습니다.\n"
        "진짜 가중치를 쓸 수 없어서 스모크 모드가 대신 씁니다. 아래의 예측, 손실,\n"
        "정확도는 모두 의미가 없습니다(MEANINGLESS). 실행되는 코드는 실제와 같습니다.\n"
        "진짜 가중치 받기: {command}"
    ),
    "ImageNet weights": "ImageNet 가중치",
    "STAND-IN weights, meaningless": "대역(STAND-IN) 가중치, 의미 없음",
    "NOT the ImageNet checkpoint, meaningless": "ImageNet 체크포인트 아님, 의미 없음",
    "ImageNet weights loaded from {path} (sha256 {sha}..., genuine).":
        "ImageNet 가중치를 불러왔습니다: {path} (sha256 {sha}..., 진본).",
    "NOT THE IMAGENET CHECKPOINT: {path}\n"
    "has sha256 {sha}..., the genuine file's starts with {prefix}.\n"
    "Its predictions and accuracies are MEANINGLESS. Delete the file and run\n"
    "{command} to fetch the real one.": (
        "IMAGENET 체크포인트가 아닙니다: {path}\n"
        "이 파일의 sha256은 {sha}...이고, 진본의 sha256은 {prefix}...입니다.\n"
        "이 파일로 얻은 예측과 정확도는 의미가 없습니다(MEANINGLESS). 파일을 지우고\n"
        "{command} 명령으로 진본을 받으세요."
    ),
    "{name} is not in {folder} yet: copying it from {mirror} or downloading it once (528 MB).":
        "{name} 파일이 아직 {folder}에 없습니다. {mirror}에서 복사하거나 한 번 내려받습니다(528 MB).",
    "{name} is not in {folder} yet: downloading it once (528 MB).":
        "{name} 파일이 아직 {folder}에 없습니다. 한 번 내려받습니다(528 MB).",
    "{name} needs 528 MB": "{name} 파일에는 528 MB가 필요합니다",
    "set TORCH_HOME to a folder on another disk": "TORCH_HOME을 다른 디스크의 폴더로 설정하세요",
    "{folder} cannot be written ({why}); set TORCH_HOME to a writable folder.":
        "{folder}에 쓸 수 없습니다({why}). TORCH_HOME을 쓰기 가능한 폴더로 설정하세요.",
    "Get the weights while online with {command}, or copy {name} from a course mirror or another machine into "
    "{folder}.": (
        "온라인일 때 {command} 명령으로 가중치를 받거나, 코스 미러나 다른 컴퓨터에서 {name} 파일을 {folder}에 "
        "복사하세요."
    ),
    "{name} is not in {folder} and could not be fetched: {err} {hint} Or, for random stand-in weights, run "
    "`%env COURSE_SMOKE=1` and the notebook again.": (
        "{name} 파일이 {folder}에 없고, 가져오지도 못했습니다: {err} {hint} 아니면, 무작위 대역 가중치로 진행하려면 "
        "`%env COURSE_SMOKE=1`을 실행한 뒤 노트북을 다시 실행하세요."
    ),
    "No weights, so smoke mode goes on with a random stand-in: {err} {hint}":
        "가중치가 없으므로 스모크 모드는 무작위 대역 가중치로 계속합니다: {err} {hint}",
    # utils/dataloader_image_classification.py, utils/imagenet_inference.py, utils/training.py
    "the uploaded image": "업로드한 이미지",
    "{path} is a float image with NaN or infinite pixels: save it as an 8-bit PNG or JPEG with the range you "
    "want, then load that.": (
        "{path}: NaN이나 무한대 픽셀이 있는 부동소수점 이미지입니다. 원하는 범위의 8비트 PNG나 JPEG로 저장한 "
        "뒤 그 파일을 불러오세요."
    ),
    "{mp:.3g} megapixels": "{mp:.3g}메가픽셀",
    "too many pixels": "너무 많은 픽셀",
    "{path} has {size}, more than PIL opens by default ({limit:.0f} megapixels, a guard against decompression "
    "bombs): shrink it (the model sees 224 x 224 pixels), or if you trust the file set "
    "PIL.Image.MAX_IMAGE_PIXELS = None first.": (
        "{path}: 이미지 크기({size})가 PIL이 기본으로 여는 한도({limit:.0f}메가픽셀, 압축 폭탄을 막는 장치)를 "
        "넘습니다. 이미지를 줄이거나(모델은 224 x 224 픽셀을 봅니다), 믿을 수 있는 파일이라면 먼저 "
        "PIL.Image.MAX_IMAGE_PIXELS = None으로 설정하세요."
    ),
    " (a relative path starts in the working folder, {cwd})": " (상대 경로는 작업 폴더 {cwd}에서 시작합니다)",
    "No image file at {path}{where}: check the name, or give the full path. A picture of the data set? `python "
    "-m utils.prepare_data --verify` names what is missing.": (
        "이미지 파일이 없습니다: {path}{where}. 이름을 확인하거나 전체 경로를 주세요. 데이터셋의 이미지라면 "
        "`python -m utils.prepare_data --verify`가 빠진 파일을 알려 줍니다."
    ),
    "{path} is not a readable image (PIL cannot identify it). Replace it with a .jpg or .png file; `python -m "
    "utils.prepare_data` restores the course's data set.": (
        "{path}: 읽을 수 있는 이미지가 아닙니다(PIL이 형식을 알아보지 못함). .jpg나 .png 파일로 바꾸세요. 코스 "
        "데이터셋은 `python -m utils.prepare_data`로 복구합니다."
    ),
    "{path} is not a readable image file ({why}): pass the path of a .jpg or .png file you may read.":
        "{path}: 읽을 수 있는 이미지 파일이 아닙니다({why}). 읽기 권한이 있는 .jpg나 .png 파일의 경로를 주세요.",
    "{path} could not be decoded ({err}): probably truncated or corrupt. Replace it with a complete copy "
    "(`python -m utils.prepare_data` restores the course's data set).": (
        "{path}: 디코딩하지 못했습니다({err}). 파일이 잘렸거나 손상된 것 같습니다. 온전한 사본으로 "
        "바꾸세요(코스 데이터셋은 `python -m utils.prepare_data`로 복구합니다)."
    ),
    "{path}: its folder {folder!r} is not a known class {classes}. Images must sit in a folder named after "
    "their class, e.g. train/ants/.": (
        "{path}: 폴더 {folder!r}에 해당하는 클래스가 없습니다(클래스: {classes}). 이미지는 클래스 이름을 딴 "
        "폴더(예: train/ants/)에 있어야 합니다."
    ),
    "{path} is missing. Prepare the data first: `make data` or `python -m utils.prepare_data` (offline: add "
    "--mirror DIR).": (
        "{path} 파일이 없습니다. 먼저 데이터를 준비하세요: `make data` 또는 `python -m "
        "utils.prepare_data`(오프라인이면 --mirror DIR 추가)."
    ),
    "{path} is not valid JSON text ({err}); re-run `python -m utils.prepare_data`.":
        "{path}: 올바른 JSON 텍스트가 아닙니다({err}). `python -m utils.prepare_data`를 다시 실행하세요.",
    "{path} should hold a non-empty JSON object {{\"0\": [wnid, name], ...}}.":
        "{path}에는 비어 있지 않은 JSON 객체 {{\"0\": [wnid, name], ...}}가 있어야 합니다.",
    "{path}: the keys should be the class ids \"0\" .. \"{last}\".":
        "{path}: 키는 클래스 ID여야 합니다(\"0\" .. \"{last}\").",
    "{path}: entry {key!r} should be [wordnet_id, name], not {value!r}.":
        "{path}의 항목 {key!r}: [wordnet_id, name] 형식이어야 하는데 {value!r}입니다.",
    "parameter group(s) {groups} match no parameter of this network":
        "파라미터 그룹 {groups}에 해당하는 파라미터가 이 네트워크에 없습니다",
    # utils/support/checkpoints.py
    "build the same model before loading (for the course: VGG16 with classifier[6] = nn.Linear(4096, 2)), or "
    "load the right file": (
        "불러오기 전에 같은 모델을 만들거나(이 코스에서는 classifier[6] = nn.Linear(4096, 2)인 VGG16), 맞는 "
        "파일을 불러오세요"
    ),
    "{path} could not be written ({reason}): check the path and save again.":
        "{path}: 쓰지 못했습니다({reason}). 경로를 확인하고 다시 저장하세요.",
    "{path} could not be opened ({kind}: {first}).": "{path}: 파일을 열지 못했습니다({kind}: {first}).",
    "{path} could not be loaded on this machine, which has no CUDA GPU (PyTorch: {first}): pass "
    "map_location=\"cpu\".": (
        "{path}: CUDA GPU가 없는 이 컴퓨터에서는 불러올 수 없습니다(PyTorch: {first}). map_location=\"cpu\"를 "
        "넘기세요."
    ),
    "{path} was saved by a newer PyTorch than this one ({version}; PyTorch: {first}): update the course's "
    "packages (`make setup`), or save it again here.": (
        "{path}: 이 PyTorch({version})보다 새 버전으로 저장한 파일입니다(PyTorch: {first}). 코스 패키지를 "
        "업데이트하거나(`make setup`), 여기서 다시 저장하세요."
    ),
    " Fix: {fix}.": " 해결 방법: {fix}.",
    "{path} is a safetensors file, not torch.save's format{hint}: `pip install safetensors`, then load it with "
    "`import safetensors.torch; net.load_state_dict(safetensors.torch.load_file(path))`.{then}": (
        "{path}: torch.save 형식이 아니라 safetensors 파일입니다{hint}. `pip install safetensors`로 설치한 뒤 "
        "`import safetensors.torch; net.load_state_dict(safetensors.torch.load_file(path))`로 불러오세요.{then}"
    ),
    "{path} was refused as unsafe: it is a pickled Python object ({name}, e.g. a whole model saved with "
    "torch.save(net)), not a state_dict, and torch.load(weights_only=True) loads only tensors.": (
        "{path}: 안전하지 않아 거부했습니다. state_dict가 아니라 피클된 Python 객체({name}, 예: "
        "torch.save(net)로 저장한 모델 전체)인데, torch.load(weights_only=True)는 텐서만 불러옵니다."
    ),
    "{what} If you trust this file, extract its weights once in a trusted session: `{extract}` (this runs code "
    "from the file: never for a file from an untrusted source), then load that file.": (
        "{what} 믿을 수 있는 파일이라면, 신뢰할 수 있는 세션에서 가중치를 한 번 추출하세요: `{extract}` (파일 "
        "속 코드가 실행되므로 출처를 믿을 수 없는 파일에는 절대 쓰지 마세요). 그다음 추출한 파일을 불러오세요."
    ),
    " Load another copy (earlier copies beside it: {copies}), or save the weights again.":
        " 다른 사본을 불러오거나(옆에 있는 이전 사본: {copies}), 가중치를 다시 저장하세요.",
    " Load another copy, or save the weights again.": " 다른 사본을 불러오거나, 가중치를 다시 저장하세요.",
    # "(truncated)" stays: check("04.4") knows a truncated file's message by that word.
    "{path} could not be read as a PyTorch checkpoint ({said}): it is truncated, corrupt, or not a .pth file "
    "at all.{advice}": (
        "{path}: PyTorch 체크포인트로 읽지 못했습니다({said}). 파일이 잘렸거나(truncated) 손상되었거나, 아예 "
        ".pth 파일이 아닙니다.{advice}"
    ),
    "No checkpoint at {path}. Run the cell that saves it (save_state_dict) first, or check the path.":
        "체크포인트가 없습니다: {path}. 먼저 저장하는 셀(save_state_dict)을 실행하거나 경로를 확인하세요.",
    "{path} has no entry {key!r} (it holds {entries}): pass the key that holds the weights, or key=None for a "
    "plain state_dict.": (
        "{path}에 {key!r} 항목이 없습니다(들어 있는 것: {entries}). 가중치가 든 키를 넘기거나, 보통의 "
        "state_dict라면 key=None을 넘기세요."
    ),
    "{path} is a training checkpoint (a dict of {entries}): the weights are under {key!r}. Load them with "
    "load_state_dict(net, path, key={key!r}), i.e. `net.load_state_dict(torch.load(path, "
    "weights_only=True)[{key!r}])`.": (
        "{path}: 학습 체크포인트(dict, 항목: {entries})입니다. 가중치는 {key!r} 아래에 있습니다. "
        "load_state_dict(net, path, key={key!r}), 즉 `net.load_state_dict(torch.load(path, "
        "weights_only=True)[{key!r}])`로 불러오세요."
    ),
    " Save weights with save_state_dict(net, path), i.e. torch.save(net.state_dict(), path).":
        " 가중치는 save_state_dict(net, path), 즉 torch.save(net.state_dict(), path)로 저장하세요.",
    "{path} holds a {kind}, not a state_dict (a mapping of parameter names to tensors).{advice}":
        "{path}에 든 것은 state_dict(파라미터 이름마다 텐서를 담은 매핑)가 아니라 {kind} 객체입니다.{advice}",
    " and {n} more": " 외 {n}개",
    "{path} was saved from a model wrapped in {wrapper}: every key starts with {prefix!r}. Load it with "
    "load_state_dict(net, path, strip_prefix={prefix!r}), i.e. `net.load_state_dict({stripped})`.": (
        "{path}: {wrapper}에 감싼 모델에서 저장한 파일입니다. 모든 키가 {prefix!r} 접두사로 시작합니다. "
        "load_state_dict(net, path, strip_prefix={prefix!r}), 즉 `net.load_state_dict({stripped})`로 "
        "불러오세요."
    ),
    "{path} holds the weights of a plain model, but this network is wrapped in {wrapper} (its keys start with "
    "{prefix!r}): load into the model inside, net.{inner}.": (
        "{path}에는 감싸지 않은 모델의 가중치가 들어 있는데, 이 네트워크는 {wrapper}에 감싸여 있습니다(키가 "
        "{prefix!r} 접두사로 시작). 안쪽 모델 net.{inner}에 불러오세요."
    ),
    "{path} holds a different head: {layer} has {file_outputs} outputs in the file, {own_outputs} in this "
    "network. Fix: {fix}.": (
        "{path}: 출력층이 다릅니다. {layer}의 출력이 파일에서는 {file_outputs}개, 이 네트워크에서는 "
        "{own_outputs}개입니다. 해결 방법: {fix}."
    ),
    "Missing key(s) in state_dict: {keys}": "state_dict에 없는 키: {keys}",
    "Unexpected key(s) in state_dict: {keys}": "state_dict에 예상하지 못한 키: {keys}",
    "size mismatch for {key}: {in_file} in the file, {here} here":
        "{key}의 크기가 다름: 파일에서는 {in_file}, 여기서는 {here}",
    "{path} was saved from a different architecture than this network ({problems}). Fix: {fix}.":
        "{path}: 이 네트워크와 다른 구조에서 저장한 파일입니다({problems}). 해결 방법: {fix}.",
    # utils/support/model_summary.py, utils/support/uploads.py
    "This network has no training record yet: run the training cell first.":
        "이 네트워크에는 아직 학습 기록이 없습니다. 먼저 학습 셀을 실행하세요.",
    "This network's last training run was stopped after 1 training batch: run the training cell again, to its "
    "end, then this cell.": (
        "이 네트워크의 마지막 학습은 배치 1개를 학습한 뒤 중단되었습니다. 학습 셀을 끝까지 다시 실행한 뒤 이 "
        "셀을 실행하세요."
    ),
    "This network's last training run was stopped after {done} training batches: run the training cell again, "
    "to its end, then this cell.": (
        "이 네트워크의 마지막 학습은 배치 {done}개를 학습한 뒤 중단되었습니다. 학습 셀을 끝까지 다시 실행한 뒤 "
        "이 셀을 실행하세요."
    ),
    "run": "실행",
    "val acc before": "학습 전 검증 정확도",
    "val acc after": "학습 후 검증 정확도",
    "training epochs": "학습 에폭",
    "train time (s)": "학습 시간(초)",
    "trainable params": "학습하는 파라미터",
    "of all": "전체 대비",
    "arithmetic": "연산",
    "weights": "가중치",
    "mode": "모드",
    "smoke": "스모크",
    "full": "전체",
    "uploader.value is a {kind} in neither ipywidgets 7's nor 8's shape: pass the FileUpload's own .value, or "
    "upgrade ipywidgets (pip install -U ipywidgets).": (
        "uploader.value가 ipywidgets 7의 형태도 8의 형태도 아닌 {kind}입니다. FileUpload의 .value를 그대로 "
        "넘기거나, ipywidgets를 업그레이드하세요(pip install -U ipywidgets)."
    ),
    # utils/support/selfcheck.py
    "no such check; there are {ids}": "그런 확인 항목은 없습니다. 있는 항목: {ids}",
    "– {exercise}: skipped: {why}": "– {exercise}: 건너뜀: {why}",
    "pass {arguments} ({kind}: {err})": "다음을 넘기세요: {arguments} ({kind}: {err})",
    "no file at {path} (JupyterLab: next to this notebook; Colab: the path its file pane shows, e.g. "
    "/content/...)": (
        "파일이 없습니다: {path} (JupyterLab: 이 노트북과 같은 폴더, Colab: 파일 창에 보이는 경로, 예: "
        "/content/...)"
    ),
    "the optimizer does not hold exactly the parameters that `net` trains: was it built before `net` was "
    "(re)loaded or frozen? Build it after, from `net`": (
        "옵티마이저가 `net`이 학습하는 파라미터를 정확히 담고 있지 않습니다. `net`을 (다시) 불러오거나 "
        "동결하기 전에 만들었나요? 그 작업을 마친 뒤 `net`으로 다시 만드세요"
    ),
    "the optimizer has not taken a step yet: train with it (train_model), then check": (
        "옵티마이저가 아직 한 번도 가중치를 갱신하지 않았습니다. 이 옵티마이저로 학습한(train_model) 뒤 "
        "확인하세요"
    ),
    "not the finished history of training `net` (what train_model returned)":
        "`net`을 끝까지 학습한 기록(train_model이 돌려준 값)이 아닙니다",
    "logits_reloaded was computed on the CPU; this exercise needs a GPU":
        "logits_reloaded를 CPU에서 계산했습니다. 이 연습 문제에는 GPU가 필요합니다",
    "photo_net is in train mode: dropout changes the map on every call; photo_net.eval() first": (
        "photo_net이 학습 모드입니다. 드롭아웃 때문에 호출할 때마다 맵이 바뀝니다. 먼저 photo_net.eval()을 "
        "실행하세요"
    ),
    "a map of shape {shape}, not one per pixel of the 224 x 224 input":
        "형상이 {shape}인 맵입니다. 224 x 224 입력의 픽셀마다 값이 하나씩 있어야 합니다",
    "not the map of `photo` at features[29]: make its tensor again from `photo`":
        "features[29]에서 본 `photo`의 맵이 아닙니다. `photo`로 텐서를 다시 만드세요",
    "`net` should train classifier[6] alone": "`net`은 classifier[6]만 학습해야 합니다",
    "lr is neither 0.01 nor 0.0001": "lr이 0.01도 0.0001도 아닙니다",
    "not the three groups of section 2, each lr 1e-3": "2절의 세 그룹(각각 lr 1e-3)이 아닙니다",
    "no picture at that path": "그 경로에 이미지가 없습니다",
    "found your photo": "사진을 찾았습니다",
    "not these: which layers act differently in train mode? (section 2)":
        "이 층들이 아닙니다. 학습 모드에서 다르게 동작하는 층은 무엇일까요? (2절)",
    "right: those layers, and no other": "맞습니다. 바로 그 층들이고, 다른 층은 없습니다",
    "not the shapes after features and after avgpool for a (1, 3, 320, 320) input":
        "(1, 3, 320, 320) 입력에 대한 features 뒤와 avgpool 뒤의 형상이 아닙니다",
    "right: now say why classifier.0 still gets 25088 values":
        "맞습니다. 이제 classifier.0이 여전히 값 25088개를 받는 이유를 설명해 보세요",
    "not 10 different val ants and 10 val bees": "검증 데이터의 서로 다른 개미 10장과 벌 10장이 아닙니다",
    "10 ants and 10 bees of the validation set": "검증 데이터의 개미 10장과 벌 10장",
    "a grad_fn first (no with-block), then none (torch.no_grad())":
        "처음에는 grad_fn이 있고(with 블록 없이), 다음에는 없어야 합니다(torch.no_grad())",
    "a graph, then none under no_grad()": "그래프가 생기고, no_grad() 아래에서는 생기지 않습니다",
    "no RandomResizedCrop(224, scale=(0.08, 1.0)) in this Compose":
        "이 Compose에 RandomResizedCrop(224, scale=(0.08, 1.0))이 없습니다",
    "crops of 8 % to 100 % of the photo": "사진의 8 %에서 100 %까지 남기는 크롭입니다",
    "not quite: which would turn one digit or letter into another?":
        "조금 다릅니다. 어떤 변환이 숫자나 글자를 다른 것으로 바꿀까요?",
    "right: an augmentation must keep the label true": "맞습니다. 데이터 증강을 해도 라벨은 그대로 맞아야 합니다",
    "not ImageNet-normalised values: the batch `inputs` from the DataLoader":
        "ImageNet 기준으로 정규화한 값이 아닙니다. DataLoader에서 받은 배치 `inputs`를 쓰세요",
    "near 0 and 1, not exactly": "평균은 0, 표준편차는 1에 가깝지만, 정확히 그 값은 아닙니다",
    "not a (3, 224, 224) tensor in 0..1: mean=(0, 0, 0), std=(1, 1, 1)":
        "0..1 범위의 (3, 224, 224) 텐서가 아닙니다. mean=(0, 0, 0), std=(1, 1, 1)로 하세요",
    "all in 0..1, not centred": "모두 0..1 범위이고, 0을 중심으로 하지 않습니다",
    "this picture is not taller than wide": "이 이미지는 세로가 가로보다 길지 않습니다",
    "taller than wide: now compare what the two crops keep":
        "세로가 더 깁니다. 이제 두 크롭이 남기는 부분을 비교해 보세요",
    "not a finished run of 3 epochs: num_epochs=3": "3 에폭을 끝까지 마친 실행이 아닙니다. num_epochs=3",
    "three more epochs: does val accuracy still rise?": "3 에폭 더 학습했습니다. 검증 정확도가 계속 오르나요?",
    "not SGD with lr 0.01 (or 0.0001) on the new head alone":
        "새 출력층만 lr 0.01(또는 0.0001)로 학습하는 SGD가 아닙니다",
    "a new learning rate: compare the curves": "새 학습률입니다. 학습 곡선을 비교해 보세요",
    "not the training data in file order: shuffle=False": "파일 순서 그대로인 학습 데이터가 아닙니다. shuffle=False",
    "file order: now look at the first batches": "파일 순서입니다. 이제 처음 몇 배치를 살펴보세요",
    "not exactly classifier.3 and classifier.6 train":
        "정확히 classifier.3과 classifier.6만 학습하는 것이 아닙니다",
    "not classifier.3 and .6 alone": "classifier.3과 .6만 학습하는 것이 아닙니다",
    "right: compare the count (step 4) and the accuracy (step 8)":
        "맞습니다. 개수(4단계)와 정확도(8단계)를 비교해 보세요",
    "not the misclassified ones: the i where preds[i] != labels[i]":
        "잘못 분류한 이미지가 아닙니다. preds[i] != labels[i]인 i를 고르세요",
    "all of them: what makes them hard?": "모두 찾았습니다. 이 이미지들은 왜 어려울까요?",
    "not the three groups with lr 1e-3": "lr 1e-3인 세 그룹이 아닙니다",
    "lr 1e-3 for all three groups": "세 그룹 모두 lr 1e-3",
    "`features` must be frozen, the classifier not": "`features`는 동결하고, classifier는 동결하지 않아야 합니다",
    "features must be frozen and out of the optimizer": "features는 동결하고 옵티마이저에서 빼야 합니다",
    "right: compare the two epochs' seconds": "맞습니다. 두 에폭의 시간(초)을 비교해 보세요",
    "not the saved network's logits, computed on the CPU": "저장된 네트워크로 CPU에서 계산한 로짓이 아닙니다",
    "close, not equal: same weights": "가깝지만 같지는 않습니다. 가중치는 같습니다",
    "not the CheckpointError of a truncated file: cut it, then load_state_dict":
        "잘린 파일의 CheckpointError가 아닙니다. 파일을 자른 뒤 load_state_dict를 실행하세요",
    "a CheckpointError that names the truncated file": "잘린 파일을 알려 주는 CheckpointError",
    "`probs` are not predict_image's two probabilities": "`probs`가 predict_image가 돌려준 두 확률이 아닙니다",
    "two probabilities, sum 1": "두 확률, 합계 1",
    "not a finished run of 5 epochs: num_epochs=5": "5 에폭을 끝까지 마친 실행이 아닙니다. num_epochs=5",
    "five epochs: does it catch up?": "5 에폭입니다. 따라잡았나요?",
    "not the share (0..1) with the right class (310, 309) in the top 5":
        "정답 클래스(310, 309)가 top 5에 드는 비율(0..1)이 아닙니다",
    "right: compare it with the top 1": "맞습니다. top-1 수치와 비교해 보세요",
    "not features[17:] plus the classifier": "features[17:]부터 classifier까지만 학습하는 것이 아닙니다",
    "right: compare the count and the seconds with section 4's":
        "맞습니다. 개수와 시간(초)을 4절의 결과와 비교해 보세요",
    "not the shape of features[22]'s output for one 224 x 224 picture":
        "224 x 224 이미지 한 장에 대한 features[22] 출력의 형상이 아닙니다",
    "right: compare it with features[29]'s": "맞습니다. features[29]의 출력과 비교해 보세요",
    "not the Grad-CAM map of your photo": "직접 고른 사진의 Grad-CAM 맵이 아닙니다",
    "your photo's map: is it on the insect?": "직접 고른 사진의 맵입니다. 곤충 위에 있나요?",
    # utils/support/visualization.py, utils/support/evaluation.py
    "show_image_grid needs at least one image": "show_image_grid에는 이미지가 하나 이상 필요합니다",
    "expected (3, H, W) or (N, 3, H, W), got {shape}": "형상이 (3, H, W)나 (N, 3, H, W)여야 하는데 {shape}입니다",
    "plot_channel_histograms needs at least one tensor": "plot_channel_histograms에는 텐서가 하나 이상 필요합니다",
    "{title}: expected a (3, H, W) tensor, got {shape}": "{title}: 형상이 (3, H, W)인 텐서여야 하는데 {shape}입니다",
    "pixel value": "픽셀 값",
    "number of pixels": "픽셀 수",
    "channel (-- mean)": "채널 (-- 평균)",
    "show_images_side_by_side needs at least one image":
        "show_images_side_by_side에는 이미지가 하나 이상 필요합니다",
    "x (pixels)": "x (픽셀)",
    "y (pixels)": "y (픽셀)",
    "original {w} x {h} (W x H)": "원본 {w} x {h} (W x H)",
    "kept region of the original": "원본에서 남는 영역",
    "plot_topk needs at least one prediction": "plot_topk에는 예측이 하나 이상 필요합니다",
    "softmax probability": "소프트맥스 확률",
    "show_topk_panels needs as many top-k lists and titles as images (at least one)":
        "show_topk_panels에는 이미지 수만큼의 top-k 목록과 제목이 필요합니다(하나 이상)",
    "top-{k}": "상위 {k}개",
    "the DataLoader yielded no batches": "DataLoader가 배치를 하나도 내놓지 않았습니다",
    "labels {labels} and preds {preds} differ in length": "labels와 preds의 길이가 다릅니다: {labels}, {preds}",
    "{name} must lie in 0..{last}": "{name} 값은 0..{last} 범위여야 합니다",
    "Confusion matrix": "혼동 행렬",
    "cm has shape {shape}, expected ({n}, {n}) for {names}":
        "cm의 형상이 {shape}입니다. {names}에는 ({n}, {n})이어야 합니다",
    "images": "이미지 수",
    "predicted class": "예측 클래스",
    "true class": "정답 클래스",
    "{title}\n"
    "accuracy {acc:.4f} ({right}/{total})": (
        "{title}\n"
        "정확도 {acc:.4f} ({right}/{total})"
    ),
    "val accuracy before training {before:.4f}, after the last epoch {after:.4f}":
        "검증 정확도: 학습 전 {before:.4f}, 마지막 에폭 후 {after:.4f}",
    "(a stopped run: {n} training batches)": "(중단된 실행: 학습한 배치 {n}개)",
    "Learning curves": "학습 곡선",
    "the history is empty: run the training loop first": "기록이 비어 있습니다. 먼저 학습 루프를 실행하세요",
    "train": "학습",
    "val": "검증",
    "mean loss per image": "이미지당 평균 손실",
    "accuracy": "정확도",
    "epoch (0 = before training)": "에폭 (0 = 학습 전)",
    "Loss": "손실",
    "Accuracy": "정확도",
    "Validation predictions": "검증 데이터 예측",
    "the data set has {images} images but there are {predictions} predictions: use the same, unshuffled data":
        "데이터셋의 이미지는 {images}장인데 예측은 {predictions}개입니다. 섞지 않은 같은 데이터를 쓰세요",
    "image {i}: label {label} differs from the prediction record; were the predictions made on a shuffled "
    "loader?":
        "이미지 {i}: 라벨({label})이 예측 기록과 다릅니다. 섞은 데이터로더로 예측하지 않았나요?",
    "{suptitle}\n"
    "'predicted / true'; red ✗ = mistake ({wrong} of {shown} shown, mistakes first)": (
        "{suptitle}\n"
        "'예측 / 정답', 빨간 ✗ = 오답 (보이는 {shown}개 중 {wrong}개, 오답 먼저)"
    ),
    "Prediction": "예측",
    "{n} probabilities for {classes} classes": "클래스는 {classes}개인데 확률은 {n}개입니다",
    "predicted: {name}": "예측: {name}",
    "class probabilities (sum to 1)": "클래스별 확률(합계 1)",
    # utils/settings/fonts.py
    "No Korean font found, so figures draw Hangul as boxes: install one (Debian, Ubuntu, Colab: "
    "`apt-get install fonts-nanum`), then restart the kernel.":
        "한글 글꼴이 없어 그림의 한글이 네모로 나옵니다. 글꼴을 설치한 뒤(Debian, Ubuntu, Colab: "
        "`apt-get install fonts-nanum`) 커널을 다시 시작하세요.",
    # classroom/static_site.py: the site's own words (make site COURSE_LANG=ko)
    "Contents": "목차",
    "Also:": "함께 보기:",
    "VGG16 course": "VGG16 코스",
    "The notebooks, executed, with their outputs and figures. Work through them in order.":
        "실행한 노트북을 출력과 그림까지 담았습니다. 순서대로 읽어 나가세요.",
}
